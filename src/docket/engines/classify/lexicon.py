"""A generic concept lexicon of document kinds: how a kind is named, what its pages say, how it
is shaped.

Classes are user-defined and described in free words, so the offline classifier cannot know the
labels in advance. What it can know is common knowledge about documents: a class whose words
mention "bill", "invoice" or "amount due" is about invoices, and invoices carry "invoice number",
"bill to", "due date" and tables of line items. Each concept below has

* ``names``: words or phrases that, found in a class's type, description or instructions,
  activate the concept for that class (its synonyms, including common non-English names);
* ``cues``: phrases typically printed on such documents, with a weight (negative: speaks against);
* ``layout``: weights on the generic shape signals of :mod:`docket.engines.classify.text`.

Nothing here refers to a benchmark, a file or a fixed label set; a class that activates no
concept is still scored by its own words.
"""

from __future__ import annotations

from dataclasses import dataclass

from docket.engines.classify.text import phrase_key


@dataclass(frozen=True)
class Concept:
    name: str
    names: frozenset[str]
    cues: dict[str, float]
    layout: dict[str, float]
    wording: str = ""  # the names as written (for meaning-level matching)


def _phrases(spec: str) -> frozenset[str]:
    keys = (phrase_key(p) for p in spec.split(","))
    return frozenset(k for k in keys if len(k) > 1)  # "1099" or "w-2" leave nothing to match


def _weighted(spec: str) -> dict[str, float]:
    out: dict[str, float] = {}
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        text, _, w = part.partition(":")
        key = phrase_key(text)
        if key:
            out[key] = float(w) if w else 1.0
    return out


_RAW: list[tuple[str, str, str, dict[str, float]]] = [
    (
        "invoice",
        "invoice, invoices, bill, billing, bill for payment, request for payment, amount due, "
        "payment request, supplier bill, vendor bill, tax invoice, pro forma, facture, factuur, "
        "rechnung, fattura, factura, fatura, faktura, accounts payable",
        "invoice:3, invoice number:3, invoice no:3, invoice date:3, bill to:2.5, ship to:1.5, "
        "due date:2, payment due:2, amount due:2.5, balance due:2, payment terms:2, net:0.5, "
        "subtotal:1, sub total:1, vat:1.5, tax:0.8, total:0.8, unit price:2, quantity:1, qty:0.8, "
        "description:0.6, customer:1, customer number:2, order number:1.2, account number:1, "
        "iban:1.5, bic:1, swift:1, bank transfer:1.2, remit:1.5, please pay:2, "
        "facture:3, factuur:3, rechnung:3, fattura:3, factura:3, faktura:3, montant:1.2, "
        "ht:0.8, ttc:1.2, btw:1.5, mwst:1.5, ust:1, factuurnummer:3, rechnungsnummer:3, "
        "klantnummer:1.5, kundennummer:1.5, totaal:1, betrag:1, prix:0.8, prijs:0.8, "
        "article:0.3, artikel:0.5, designation:0.6, amount:0.6, price:0.6, "
        "whereas:-1, hereby:-1, abstract:-1.5, et al:-1.5",
        {
            "amounts": 1.5,
            "line_items": 1.5,
            "tables": 0.3,
            "one_page": 0.6,
            "clauses": -1.0,
            "citations": -1.5,
            "formulas": -1.0,
            "long": -0.8,
            "narrow": -0.3,
        },
    ),
    (
        "receipt",
        "receipt, receipts, sales receipt, till receipt, cash receipt, proof of purchase, "
        "sales slip, till slip, purchase slip, ticket de caisse, kassenbon, quittung, bon, "
        "recibo, ricevuta, kvitto, point of sale, store purchase, shop purchase, restaurant bill, "
        "retail purchase",
        "receipt:3, cash:2, change:1.5, cashier:2.5, tendered:2, cash tendered:2, "
        "thank you:2, thank you come again:2, please come again:2, visa:1, mastercard:1, "
        "card:0.8, rounding:2, round adj:2, total:1, subtotal:0.8, gst:1.2, tax invoice:0.5, "
        "qty:1.2, item:0.6, store:1, shop:1, outlet:1, counter:1, pos:1, till:1, member:0.8, "
        "goods sold are not returnable:2, not refundable:1, trans:0.6, table:0.3, "
        "sdn bhd:0.8, tel:0.5, amount:0.6, price:0.5, discount:0.8, "
        "kassenbon:3, quittung:3, recibo:3, ricevuta:3, "
        "whereas:-1.5, hereby:-1, abstract:-1.5, et al:-1.5, agreement:-1",
        {
            "amounts": 1.5,
            "one_page": 1.0,
            "short_text": 1.0,
            "narrow": 1.5,
            "clauses": -1.5,
            "citations": -1.5,
            "formulas": -1.0,
            "long": -1.5,
            "dense_text": -1.0,
        },
    ),
    (
        "contract",
        "contract, contracts, agreement, agreements, legal agreement, binding agreement, deal, "
        "covenant, nda, non disclosure, nondisclosure, confidentiality agreement, lease, "
        "terms and conditions, memorandum of understanding, engagement letter, legal, "
        "parties, signed, contrat, vertrag, contratto, contrato, overeenkomst",
        "agreement:2.5, contract:2, party:1.5, parties:1.5, hereby:2, whereas:2.5, "
        "hereinafter:2.5, herein:1.5, hereto:1.5, thereof:1, witnesseth:2.5, "
        "in witness whereof:3, governing law:2.5, jurisdiction:1, terminate:1.2, "
        "termination:1.5, term of:1, effective date:1.5, confidential:1.2, "
        "confidential information:2, obligation:1.5, shall:1.5, indemnify:2, "
        "representations and warranties:2, warranties:1, breach:1.5, signature:1, "
        "signed:1, by and between:3, entered into:2, agree as follows:3, "
        "undersigned:1.5, notwithstanding:1.5, pursuant to:1, exhibit:1, "
        "disclos:1.2, recipient:1, employee:0.6, company:0.4, affiliat:1, "
        "invoice:-1, receipt:-0.5, abstract:-1, et al:-1.5",
        {
            "clauses": 1.5,
            "dense_text": 0.8,
            "long": 0.5,
            "amounts": -1.0,
            "line_items": -1.0,
            "citations": -1.0,
            "formulas": -1.0,
            "short_text": -0.8,
            "percent": -0.5,
        },
    ),
    (
        "research",
        "scientific, science, research, research paper, scholarly, academic, journal, article, "
        "preprint, arxiv, study, studies, conference paper, thesis, dissertation, "
        "manuscript, peer reviewed, paper, scientific publication, academic publication",
        "abstract:2.5, introduction:1.2, conclusion:1.2, references:2, et al:3, fig:1.5, "
        "figure:1, eq:2, equation:2, theorem:2.5, lemma:2.5, proof:2, proposition:1.5, "
        "corollary:2, we:1, our:0.8, result:1, method:1, experiment:1.5, hypothesis:1, "
        "model:0.8, parameter:1, data:0.5, analysis:0.6, approach:1, propose:1.5, "
        "show that:1.5, we show:1.5, we propose:2, in this paper:2.5, section:0.5, "
        "algorithm:1.5, dataset:1.5, simulation:1.5, respectively:1, i.e:0.5, "
        "university:1, arxiv:3, doi:1.5, journal:1.5, cf:1, sample:0.6, distribution:0.8, "
        "function:0.8, let:1, where:0.5, given by:1.2, denote:1.5, obtain:1, "
        "invoice:-1.5, receipt:-1.5, hereby:-1.5, whereas:-1.5",
        {
            "citations": 2.0,
            "formulas": 1.5,
            "references": 1.5,
            "figures": 0.5,
            "dense_text": 0.3,
            "amounts": -1.0,
            "line_items": -1.0,
            "clauses": -0.5,
        },
    ),
    (
        "report",
        "report, reports, annual report, government report, official report, white paper, "
        "publication, statistical, statistics, survey, review, assessment, evaluation, "
        "briefing, bulletin, findings, rapport, bericht, informe, relazione",
        "report:2, findings:1.5, summary:1, executive summary:2, table:1, figure:0.5, "
        "percent:1, per cent:1, statistic:1.5, survey:1.5, total:0.3, year:0.8, annual:1, "
        "recommendation:1.5, overview:1, source:1.2, note:0.5, chapter:1, appendix:1, "
        "programme:1, program:0.8, indicator:1.5, rate:0.8, increase:0.8, decrease:0.8, "
        "trend:1, growth:0.8, share:0.6, population:1, region:1, national:1, data:0.6",
        {
            "tables": 1.5,
            "percent": 1.5,
            "figures": 0.5,
            "long": 0.3,
            "citations": -0.5,
            "formulas": -1.0,
            "clauses": -0.5,
            "line_items": -0.5,
            "narrow": -1.0,
        },
    ),
    (
        "government",
        "government, governmental, public sector, public administration, official, authority, "
        "ministry, agency, federal, state, municipal, council, commission, parliament, "
        "european union, eu, administration, department, public body, regulator, "
        "census, policy, statutory",
        "government:2, ministry:2, department:1.5, agency:1.5, federal:2, national:1.2, "
        "commission:1.5, european:1.5, european union:2, eu:1.5, member state:2, council:1, "
        "parliament:1.5, public:1, official:1, policy:1.2, regulation:1, directive:1.5, "
        "act:0.8, congress:1.5, census:1.5, programme:1, state:0.8, secretary:1, "
        "authority:1, administration:1.2, bureau:1.5, office:0.6, country:0.8, "
        "eurostat:2, oecd:1.5, statistic:1, legislation:1.5, citizen:1, household:1, "
        "income:0.6, employment:0.8, loan:0.5, region:0.8",
        {"tables": 0.8, "percent": 1.0, "narrow": -1.0},
    ),
    (
        "letter",
        "letter, letters, correspondence, cover letter, memo, memorandum, notice, notification",
        "dear:3, sincerely:3, yours faithfully:3, yours sincerely:3, regards:2, "
        "kind regards:2.5, re:1, enclosed:1.5, please find:1.5, letter:1.5, cc:1, "
        "to whom it may concern:3, memo:2, memorandum:2, subject:1",
        {"one_page": 0.5, "tables": -0.5, "amounts": -0.3, "citations": -1.0},
    ),
    (
        "resume",
        "resume, cv, curriculum vitae, job application, candidate profile, biography",
        "experience:2, education:2, skills:2, work experience:2.5, employment history:2.5, "
        "references available:2, objective:1, languages:1, university:1, degree:1.2, "
        "bachelor:1.5, master:1, certification:1.2, responsibilities:1.2, curriculum vitae:3",
        {"one_page": 0.3, "amounts": -0.8, "citations": -0.5, "clauses": -0.3},
    ),
    (
        "bank_statement",
        "bank statement, account statement, statement of account, bank, transactions, "
        "credit card statement",
        "statement:2, opening balance:2.5, closing balance:2.5, balance:1.5, deposit:1.5, "
        "withdrawal:2, debit:1.5, credit:1.2, transaction:1.5, account number:1.5, "
        "statement period:2.5, available balance:2, iban:1",
        {"amounts": 1.5, "tables": 1.0, "line_items": 0.8, "clauses": -1.0, "citations": -1.0},
    ),
    (
        "purchase_order",
        "purchase order, po, order form, order confirmation, procurement",
        "purchase order:3, po number:2.5, order date:1.5, ship to:1.5, vendor:1.5, "
        "delivery date:1.5, quantity:1, unit price:1.5, buyer:1.2, supplier:1.2",
        {"amounts": 1.0, "line_items": 1.0, "clauses": -0.5, "citations": -1.0},
    ),
    (
        "quote",
        "quote, quotation, estimate, offer, proposal, tender, bid",
        "quotation:3, quote:2.5, estimate:2.5, valid until:2, validity:1.5, offer:1.5, "
        "proposal:1.5, unit price:1.2, total:0.5",
        {"amounts": 1.0, "line_items": 1.0, "citations": -1.0},
    ),
    (
        "payslip",
        "payslip, pay slip, pay stub, paystub, salary slip, earnings statement, wage statement",
        "gross pay:3, net pay:3, earnings:2, deductions:2, salary:2, pay period:2.5, "
        "employee id:1.5, ytd:2, year to date:2, overtime:1.5, income tax:1.2",
        {"amounts": 1.5, "tables": 0.5, "one_page": 0.5, "citations": -1.0},
    ),
    (
        "tax_form",
        "tax form, tax return, tax declaration, w-2, 1099, irs form, fiscal",
        "tax year:2.5, taxpayer:2.5, irs:2.5, social security number:2, deduction:1.5, "
        "taxable income:2.5, filing status:2.5, schedule:1, withholding:2, form:1",
        {"amounts": 1.0, "clauses": 0.3, "citations": -1.0},
    ),
    (
        "form",
        "form, application form, questionnaire, registration form, fill in, blank form",
        "please complete:2, signature:1.5, date of birth:2, name:1, address:1, "
        "applicant:2, check box:2, tick:1.5, for official use only:2.5, section:0.5",
        {"clauses": 0.3, "citations": -1.0, "dense_text": -0.5},
    ),
    (
        "medical",
        "medical record, medical report, clinical, patient, prescription, discharge summary, "
        "lab report, laboratory result, health record, diagnosis",
        "patient:3, diagnosis:2.5, clinical:2, physician:2, doctor:1.5, dr:1, treatment:1.5, "
        "medication:2, dosage:2, symptoms:2, history:1, hospital:2, lab:1.5, blood:1.5, "
        "date of birth:1, prescription:2.5, allergies:2",
        {"citations": -0.5},
    ),
    (
        "insurance",
        "insurance, insurance policy, claim, claim form, policy document, coverage",
        "policy number:3, insured:2.5, policyholder:2.5, premium:2.5, coverage:2, claim:2, "
        "deductible:2, beneficiary:2, insurer:2.5, endorsement:1.5, exclusions:2",
        {"clauses": 0.5, "amounts": 0.3},
    ),
    (
        "shipping",
        "shipping document, bill of lading, delivery note, packing list, waybill, consignment, "
        "customs declaration, freight",
        "bill of lading:3, consignee:3, shipper:2.5, carrier:2, freight:2, port of loading:3, "
        "delivery note:3, packing list:3, gross weight:2, net weight:2, tracking:1.5, "
        "container:1.5, incoterm:2, waybill:3",
        {"tables": 0.8, "line_items": 0.5, "citations": -1.0},
    ),
    (
        "court",
        "court filing, legal filing, judgment, ruling, lawsuit, complaint, pleading, "
        "court order, litigation, brief, affidavit",
        "court:3, plaintiff:3, defendant:3, judge:2, case no:2.5, petitioner:2.5, "
        "respondent:2, motion:1.5, order:1, hereby ordered:3, counsel:1.5, affidavit:2.5, "
        "sworn:1.5, appeal:1.5",
        {"clauses": 0.8, "dense_text": 0.5, "amounts": -0.5},
    ),
    (
        "news",
        "news, news article, press release, newspaper, magazine article, blog post, story",
        "press release:3, reported:1.5, said:2, according to:1.5, announced:2, "
        "spokesperson:2, interview:1.2, yesterday:1.5, today:1, for immediate release:3",
        {"dense_text": 0.5, "citations": -0.5, "amounts": -0.5, "clauses": -0.5},
    ),
    (
        "manual",
        "manual, user guide, handbook, instructions, specification, datasheet, technical "
        "documentation, guide, tutorial",
        "install:2, installation:2, warning:1.5, caution:1.5, step:1.5, press:1, "
        "button:1.5, specification:2, troubleshooting:2.5, setup:1.5, user:1, device:1, "
        "instruction:1.5, model:0.8, operate:1.5",
        {"clauses": 0.5, "figures": 0.3, "amounts": -0.5},
    ),
    (
        "financial_statement",
        "financial statement, balance sheet, income statement, profit and loss, cash flow, "
        "annual accounts, earnings report, financial report",
        "balance sheet:3, assets:2, liabilities:2.5, equity:2, revenue:2, net income:2.5, "
        "operating:1.5, cash flow:2.5, fiscal year:2, depreciation:2, earnings:1.5, "
        "shareholders:2, consolidated:2",
        {"tables": 1.5, "amounts": 1.0, "percent": 0.3},
    ),
    (
        "presentation",
        "presentation, slides, slide deck, pitch deck",
        "agenda:2, slide:2, overview:1, next steps:2, q&a:2, thank you:1",
        {"short_text": 0.5, "figures": 0.5},
    ),
    (
        "email",
        "email, e-mail, mail message, correspondence",
        "from:1.5, to:0.5, subject:2, sent:1.5, cc:1.5, reply:1.5, forwarded:2, wrote:1.5, "
        "regards:1.5",
        {"one_page": 0.3, "citations": -1.0},
    ),
    (
        "identity",
        "id card, identity document, passport, driver license, driving licence, identification",
        "passport:3, date of birth:2.5, nationality:2.5, expiry:2, date of expiry:2.5, "
        "place of birth:2.5, sex:1.5, surname:2, given names:2.5, license:1.5",
        {"one_page": 1.0, "short_text": 1.0, "dense_text": -1.0, "citations": -1.0},
    ),
]

CONCEPTS: tuple[Concept, ...] = tuple(
    Concept(name, _phrases(names), _weighted(cues), dict(layout), names.replace(",", " "))
    for name, names, cues, layout in _RAW
)

# Words that make a class a catch-all: documents that fit no other class belong there.
OTHER_WORDS = _phrases(
    "other, others, unknown, miscellaneous, misc, none, none of the above, unclassified, "
    "anything else, everything else, rest, remaining, fallback, catch all, catchall, "
    "not classified, no match, unrecognized, unrecognised, uncategorized, uncategorised, "
    "does not fit, do not fit, not fit"
)
