"""``client.classifier`` (LlamaCloud 1.x classify jobs) over Docket's classify runs."""

from __future__ import annotations

import warnings

import pytest
from llama_cloud import BadRequestError, NotFoundError, UnprocessableEntityError
from llamacloud_helpers import Client

RULES = [
    {"type": "invoice", "description": "A bill asking for payment: invoice number, amounts due"},
    {
        "type": "agreement",
        "description": "A contract between parties: terms, obligations, signatures",
    },
]
CONTRACT = (
    "EMPLOYMENT AGREEMENT\n\nThis Agreement is made between Acme Corp (the Employer) and Jane "
    "Doe (the Employee).\n\nThe Employee shall perform the duties of the position. Either party "
    "may terminate this Agreement with thirty days notice.\n\nSigned by both parties.\n"
)


def test_classify_files_and_read_results(llama: Client, sample_pdf: bytes) -> None:
    client = llama()
    invoice = client.files.create(file=("invoice.pdf", sample_pdf), purpose="classify").id
    contract = client.files.create(file=("contract.txt", CONTRACT.encode()), purpose="classify").id
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        results = client.classifier.classify(
            file_ids=[invoice, contract], rules=RULES, mode="FAST", polling_interval=0.05
        )
        job_id = results.items[0].classify_job_id
        job = client.classifier.jobs.get(job_id)
        listed = [j.id for j in client.classifier.jobs.list()]
    by_file = {i.file_id: i.result for i in results.items}
    assert by_file[invoice] is not None and by_file[invoice].type == "invoice"
    assert by_file[contract] is not None and by_file[contract].type == "agreement"
    assert all(0 < r.confidence <= 1 and r.reasoning for r in by_file.values() if r)
    assert results.total_size == 2
    assert job.status == "SUCCESS" and [r.type for r in job.rules] == ["invoice", "agreement"]
    assert job.mode == "FAST" and job_id in listed


def test_classifier_errors(llama: Client) -> None:
    client = llama(max_retries=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        with pytest.raises(NotFoundError):
            client.classifier.jobs.create(file_ids=["file_missing"], rules=RULES)
        with pytest.raises(NotFoundError):
            client.classifier.jobs.get("bpr_missing")
        file_id = client.files.create(file=("a.txt", b"hello"), purpose="classify").id
        with pytest.raises(BadRequestError):
            client.classifier.jobs.create(file_ids=[file_id], rules=[RULES[0], RULES[0]])
        with pytest.raises(UnprocessableEntityError):
            client.classifier.jobs.create(file_ids=[file_id], rules=[])
