"""Time and memory of document screening: large payments and manifests, hostile fields, parser scaling.

    python bench/documents.py                       # all measurements, this source tree
    python bench/documents.py --sizes 100,400 --kinds pacs008 --src /tmp/base/src   # another tree (before/after)

Documents are generated from the bundled lists (seeded, so every run and every
source tree screens the same bytes):

- `pacs008`: a pacs.008.001.08 with N credit transfers, about 900 bytes each,
  as a bank's bulk file looks: a handful of debtors and their agents repeated,
  creditors drawn from list names (about 2%: real designated parties, as
  written on the lists) and from made-up names recombined from list first
  names and surnames (the hard negatives of bench/generate.py), banks' BICs
  (a few listed), valid IBANs, addresses, and remittance text that now and
  then names a listed party;
- `paxlst`: a PAXLST with N travellers (names likewise, birth dates,
  nationalities, passports);
- `mt103-70`: an MT103 whose `:70:` holds `--text-bytes` of remittance text;
- `paxlst-segment`: a PAXLST one of whose segments is `--text-bytes` long.

Each document is screened in a fresh child process (`--src` selects the
source tree, so the base commit can be measured from a temporary worktree):
the figures are the wall time of `screen_payment` / `screen_manifest` after
the index is loaded (and again with `--workers` processes, the CLI's option), and the child's peak resident memory (VmHWM, index
included). `ms/name` is the document's time per distinct name in it; the
`screen-file` column screens the same distinct names one query each through
`Screener.screen` (the `screen-file` path) in another fresh process, so both
start with equally cold caches.

The parsers' scaling is measured in this process: the time to parse a field
of 100 K to 3.2 M characters, with the time per million characters, which
stays flat for a linear parser.

Results go to bench/out/documents.json. Nothing is asserted: these are figures.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(SRC))
os.environ.setdefault("INTERDICT_HOME", str(HERE / "out" / "home"))

# Screens one document in a fresh process; prints one JSON line.
CHILD = r"""
import json, os, sys, time
mode, kind, path, workers = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
from interdict.screening import open_screener
from interdict.match.query import Query
screener = open_screener()
loaded = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024
result = {"loaded_mb": loaded, "error": None}
start = time.perf_counter()
if mode == "document":
    data = open(path, "rb").read()
    try:
        if kind in ("pacs008", "mt103-70"):
            from interdict.workflows import screen_payment as screen
        else:
            from interdict.workflows import screen_manifest as screen
        import inspect
        options = {"workers": workers} if workers > 1 and "workers" in inspect.signature(screen).parameters else {}
        if workers > 1 and not options:
            raise SystemExit("this source tree has no workers option")
        verdict = screen(data, screener, **options)
        result.update(verdict=verdict.verdict, findings=len(verdict.findings), screened=len(verdict.screened))
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {str(exc)[:300]}"
else:  # the screen-file path: the document's distinct names, one query each, in a process as cold as the other
    names = json.load(open(path, encoding="utf-8"))
    for name, schema in names:
        screener.screen(Query.build(name, schema=schema))
    result["names"] = len(names)
result["seconds"] = time.perf_counter() - start
result["peak_mb"] = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
import resource
result["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # largest forked worker (shared pages counted)
print(json.dumps(result))
"""

LEGAL_FORMS = ["GmbH", "LLC", "Ltd", "SA", "BV", "FZCO", "Trading LLC", "Holding AG", "SpA", "Sp. z o.o."]
GOODS = ["SPARE PARTS", "CONSULTANCY", "MACHINE TOOLS", "OFFICE SUPPLIES", "FREIGHT", "SOFTWARE LICENCE", "TEXTILES",
         "PUMP VALVES", "ELECTRONIC COMPONENTS", "MAINTENANCE", "INSURANCE PREMIUM", "DEPOSIT", "SALARY"]
TOWNS = [("Hamburg", "DE"), ("Rotterdam", "NL"), ("Milano", "IT"), ("Lyon", "FR"), ("Dubai", "AE"), ("Istanbul", "TR"),
         ("Warszawa", "PL"), ("Madrid", "ES"), ("Wien", "AT"), ("Zurich", "CH"), ("London", "GB"), ("Singapore", "SG"),
         ("Mumbai", "IN"), ("Shanghai", "CN"), ("Almaty", "KZ"), ("Tbilisi", "GE"), ("Yerevan", "AM"), ("Baku", "AZ")]
IBAN_COUNTRIES = {"DE": 18, "NL": 14, "IT": 23, "FR": 23, "AE": 19, "TR": 22, "PL": 24, "ES": 20, "AT": 16, "CH": 17,
                  "GB": 18, "GE": 18, "AZ": 24, "KZ": 16}
BANKS = ["COBADEFF", "DEUTDEFF", "INGBNL2A", "UNCRITMM", "BNPAFRPP", "EBILAEAD", "TGBATRIS", "PKOPPLPW", "CAIXESBB",
         "BKAUATWW", "UBSWCHZH", "BARCGB22", "DBSSSGSG", "SBININBB", "ICBKCNBJ", "KZKOKZKX", "BAGAGE22", "IBAZAZ2X"]
NATIONALITIES = ["DEU", "FRA", "ITA", "ESP", "NLD", "GBR", "USA", "IND", "CHN", "TUR", "ARE", "RUS", "IRN", "SYR", "NGA",
                 "GHA", "BRA", "MEX", "EGY", "PAK", "KAZ", "UKR", "POL", "JPN"]


def iban(country: str, rng: random.Random) -> str:
    """A valid IBAN (mod-97 check digits) of the country's length."""
    bban = "".join(rng.choice("0123456789") for _ in range(IBAN_COUNTRIES[country]))
    digits = "".join(str(int(ch, 36)) for ch in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


class Pools:
    """Names and identifiers drawn once from the lists (seeded)."""

    def __init__(self, seed: int = 5):
        from generate import negatives

        from interdict.screening import open_screener

        rng = random.Random(seed)
        screener = open_screener(progress=lambda m: print(m, file=sys.stderr))
        entities = list(screener.index.entities())
        self.listed_people = sorted({n.full for e in entities if e.schema == "Person" for n in e.names[:1] if n.full.isascii() and 8 < len(n.full) < 60})
        self.listed_orgs = sorted({n.full for e in entities if e.schema in ("Organization", "Company") for n in e.names[:1] if n.full.isascii() and 8 < len(n.full) < 70})
        self.listed_bics = sorted({value for value, postings in screener.index.identifiers.items() if any(kind == "bic" for _, kind in postings) and len(value) in (8, 11) and value.isalnum()})
        self.made_up = [q.name for q in negatives(entities, 6000, seed=seed) if q.family == "recombined"]
        rng.shuffle(self.made_up)
        self.rng = rng

    def creditor(self, i: int) -> tuple[str, str]:
        rng = self.rng
        roll = rng.random()
        if roll < 0.01:
            return rng.choice(self.listed_people), "Person"
        if roll < 0.02:
            return rng.choice(self.listed_orgs), "Organization"
        if roll < 0.55:
            return self.made_up[i % len(self.made_up)], "Person"
        surname = self.made_up[(i * 7) % len(self.made_up)].split()[-1]
        return f"{surname} {rng.choice(GOODS).split()[0].title()} {rng.choice(LEGAL_FORMS)}", "LegalEntity"


def pacs008(count: int, pools: Pools) -> tuple[bytes, list[tuple[str, str]]]:
    rng = pools.rng
    debtors = [(f"{pools.made_up[-k].split()[-1]} {form}", town) for k, (form, town) in enumerate(zip(["Industrie GmbH", "Export BV", "Handels AG", "Logistics Ltd"], TOWNS[:4]), start=1)]
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08"><FIToFICstmrCdtTrf>',
        f"<GrpHdr><MsgId>BULK-{count}</MsgId><CreDtTm>2025-03-14T09:21:47</CreDtTm><NbOfTxs>{count}</NbOfTxs>",
        "<SttlmInf><SttlmMtd>INDA</SttlmMtd></SttlmInf></GrpHdr>",
    ]
    names: dict[tuple[str, str], None] = {}
    for i in range(count):
        debtor, (dtown, dcountry) = debtors[i % len(debtors)]
        creditor, schema = pools.creditor(i)
        town, country = rng.choice(TOWNS)
        bank = rng.choice(pools.listed_bics) if rng.random() < 0.01 else rng.choice(BANKS) + rng.choice(["XXX", "", "123"])
        text = f"INV {2025}-{i:05d} {rng.choice(GOODS)} ORDER {rng.randrange(10000)}"
        if rng.random() < 0.02:
            text += f" ON BEHALF OF {rng.choice(pools.listed_orgs).upper()}"
        creditor_iban = iban(country, rng) if country in IBAN_COUNTRIES else None
        names[(debtor, "LegalEntity")] = None
        names[(creditor, schema)] = None
        parts.append(
            f"<CdtTrfTxInf><PmtId><InstrId>I{i}</InstrId><EndToEndId>E2E-{i:06d}</EndToEndId></PmtId>"
            f'<IntrBkSttlmAmt Ccy="EUR">{rng.randrange(100, 900000)}.00</IntrBkSttlmAmt><ChrgBr>SHAR</ChrgBr>'
            f"<Dbtr><Nm>{_xml(debtor)}</Nm><PstlAdr><TwnNm>{dtown}</TwnNm><Ctry>{dcountry}</Ctry></PstlAdr></Dbtr>"
            f"<DbtrAcct><Id><IBAN>{iban(dcountry, random.Random(zlib.crc32(debtor.encode())))}</IBAN></Id></DbtrAcct>"
            f"<DbtrAgt><FinInstnId><BICFI>COBADEFFXXX</BICFI></FinInstnId></DbtrAgt>"
            f"<CdtrAgt><FinInstnId><BICFI>{bank}</BICFI></FinInstnId></CdtrAgt>"
            f"<Cdtr><Nm>{_xml(creditor)}</Nm><PstlAdr><StrtNm>Street {rng.randrange(1, 200)}</StrtNm><TwnNm>{town}</TwnNm><Ctry>{country}</Ctry></PstlAdr></Cdtr>"
            + (f"<CdtrAcct><Id><IBAN>{creditor_iban}</IBAN></Id></CdtrAcct>" if creditor_iban else "")
            + f"<RmtInf><Ustrd>{_xml(text)}</Ustrd></RmtInf></CdtTrfTxInf>"
        )
    parts.append("</FIToFICstmrCdtTrf></Document>\n")
    return "".join(parts).encode(), list(names)


def paxlst(count: int, pools: Pools) -> tuple[bytes, list[tuple[str, str]]]:
    rng = pools.rng
    segments = ["UNA:+.? '", "UNB+UNOA:4+AIRLINE:ZZ+BORDER:ZZ+250314:0902+1'", "UNH+M1+PAXLST:D:05B:UN:IATA'", "BGM+745'",
                "NAD+MS+++OPS CONTROL'", "TDT+20+XX0862+++XX'", "LOC+125+FRA'", "DTM+189:2503141030:201'", "LOC+87+DXB'",
                "DTM+232:2503141415:201'"]
    names: dict[tuple[str, str], None] = {}
    for i in range(count):
        name = rng.choice(pools.listed_people) if rng.random() < 0.01 else pools.made_up[i % len(pools.made_up)]
        words = name.replace(",", " ").split()
        surname, given = words[-1], " ".join(words[:-1])
        names[(f"{given} {surname}".strip(), "Person")] = None
        nationality = rng.choice(NATIONALITIES)
        segments += [
            f"NAD+FL+++{_edi(surname)}:{_edi(given)}'", f"ATT+2++{rng.choice('MF')}'",
            f"DTM+329:{rng.randrange(40, 99):02d}{rng.randrange(1, 13):02d}{rng.randrange(1, 29):02d}'",
            "LOC+178+FRA'", "LOC+179+DXB'", f"NAT+2+{nationality}'",
            f"DOC+P:110:111+{rng.choice('ABCDEFGHKLMNPX')}{rng.randrange(10**7, 10**8)}'", "DTM+36:300110'",
        ]
    segments.append(f"CNT+42:{count}'")
    segments.append(f"UNT+{len(segments) - 1}+M1'")  # UNH to UNT
    segments.append("UNZ+1+1'")
    return "\n".join(segments).encode(), list(names)


def mt103_long_70(size: int, pools: Pools) -> tuple[bytes, list[tuple[str, str]]]:
    rng = pools.rng
    words = []
    total = 0
    while total < size:
        word = rng.choice(GOODS + ["INV", "ORDER", str(rng.randrange(10**6))] + pools.made_up[:200])
        words.append(word)
        total += len(word) + 1
    joined = " ".join(words)
    lines = [joined[i : i + 35] for i in range(0, size, 35)]
    text = (
        "{1:F01COBADEFFAXXX0000000000}{2:I103DEUTDEFFXXXXN}{4:\n:20:LONG70\n:23B:CRED\n:32A:250425EUR1,00\n"
        ":50K:/DE89370400440532013000\nHANSEATIC PRECISION TOOLS GMBH\n:59:/12345678\nVAN DER BERG TUINMEUBELEN BV\n"
        ":70:" + "\n".join(lines) + "\n:71A:SHA\n-}"
    )
    return text.encode(), [("HANSEATIC PRECISION TOOLS GMBH", "LegalEntity"), ("VAN DER BERG TUINMEUBELEN BV", "LegalEntity")]


def paxlst_long_segment(size: int, pools: Pools) -> tuple[bytes, list[tuple[str, str]]]:
    data, names = paxlst(10, pools)
    long = "RFF+AVF:" + "".join(random.Random(1).choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ") for _ in range(size)) + "'"
    text = data.decode().replace("BGM+745'", "BGM+745'\n" + long)
    # keep the UNT segment count right
    lines = text.split("\n")
    unh = next(i for i, line in enumerate(lines) if line.startswith("UNH"))
    unt = next(i for i, line in enumerate(lines) if line.startswith("UNT"))
    lines[unt] = f"UNT+{unt - unh + 1}+M1'"
    return "\n".join(lines).encode(), names


def _xml(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _edi(text: str) -> str:
    return "".join("?" + ch if ch in "?:+'" else ch for ch in text)


GENERATORS = {"pacs008": pacs008, "paxlst": paxlst, "mt103-70": mt103_long_70, "paxlst-segment": paxlst_long_segment}


def child(mode: str, kind: str, path: Path, src: Path, timeout: float, extra_env: dict[str, str] | None = None, workers: int = 1) -> dict[str, Any]:
    env = {**os.environ, "PYTHONPATH": str(src), **(extra_env or {})}
    try:
        done = subprocess.run([sys.executable, "-c", CHILD, mode, kind, str(path), str(workers)], capture_output=True, text=True,
                              env=env, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout:g} s (killed)"}
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    return json.loads(done.stdout.strip().splitlines()[-1])


SCALING = r"""
import json, sys, time
from interdict.errors import InputError
from interdict.workflows import edifact, swift_mt
for size in json.loads(sys.argv[1]):
    filler = ("ABCDEFGHIJ KLMNOPQRS TUVW XYZ " * (size // 30 + 1))[:size]  # one long component, as a hostile segment is
    released = ("ABCDEFGHIJ KLMNOPQRS?+TUVW?'XY " * (size // 30 + 1))[:size]  # the same with released separators
    cases = {
        "EDIFACT segment": lambda: edifact.parse_interchange("UNB+UNOA:4+A+B+250314:0902+1'RFF+" + filler + "'"),
        "EDIFACT released": lambda: edifact.parse_interchange("UNB+UNOA:4+A+B+250314:0902+1'RFF+" + released + "'"),
        "MT :70: text": lambda: swift_mt.parse_swift_mt(
            (":20:R\n:59:ACME\n:70:" + "\n".join(filler[i : i + 35] for i in range(0, size, 35)) + "\n-").encode()),
    }
    for label, run in cases.items():
        start = time.perf_counter()
        outcome = "parsed"
        try:
            run()
        except InputError as exc:
            outcome = "refused: " + str(exc)[:90]
        elapsed = time.perf_counter() - start
        print(json.dumps({"parser": label, "chars": size, "seconds": elapsed, "seconds_per_million": elapsed / size * 1e6, "outcome": outcome}), flush=True)
"""


def parser_scaling(sizes: list[int], src: Path, timeout: float) -> list[dict[str, Any]]:
    """Parse time of one long field per parser (child process): a linear parser keeps a flat time per million characters."""
    env = {**os.environ, "PYTHONPATH": str(src), "INTERDICT_DOC_MAX_FIELD_CHARS": "100000000"}  # parse, don't refuse
    try:
        done = subprocess.run([sys.executable, "-c", SCALING, json.dumps(sizes)], capture_output=True, text=True, env=env, timeout=timeout, check=False)
        lines = done.stdout
    except subprocess.TimeoutExpired as exc:
        lines = (exc.stdout or b"").decode() if isinstance(exc.stdout, bytes) else (exc.stdout or "")
        print(f"(scaling stopped after {timeout:g} s)")
    return [json.loads(line) for line in lines.splitlines() if line.startswith("{")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,400,1000,5000", help="transactions / travellers per document")
    parser.add_argument("--kinds", default="pacs008,paxlst,mt103-70,paxlst-segment,scaling")
    parser.add_argument("--text-bytes", type=int, default=4_800_000, help="length of the long :70: / segment")
    parser.add_argument("--src", type=Path, default=SRC, help="source tree whose interdict screens the documents")
    parser.add_argument("--workers", type=int, default=2, help="also screen each document with this many processes (1: don't)")
    parser.add_argument("--no-compare", dest="compare", action="store_false", help="skip the screen-file comparison")
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds before a child is killed")
    parser.add_argument("--scaling", default="100000,200000,400000,800000,1600000,3200000", help="field lengths for the parser scaling")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "documents.json")
    args = parser.parse_args()
    kinds = args.kinds.split(",")
    sizes = [int(s) for s in args.sizes.split(",")]
    report: dict[str, Any] = {"src": str(args.src), "documents": [], "scaling": []}
    documents = [k for k in kinds if k in GENERATORS]
    if documents:
        pools = Pools()
        print(f"{'document':<16}{'size':>9}{'bytes':>11}{'seconds':>9}{'peak MB':>9}{'index MB':>9}{'names':>7}{'ms/name':>9}{'screen-file ms/name':>21}  verdict / error")
        with tempfile.TemporaryDirectory() as folder:
            for kind in documents:
                long_field = kind in ("mt103-70", "paxlst-segment")
                for size in ([args.text_bytes] if long_field else sizes):
                    pools.rng = random.Random(f"{kind}-{size}")  # the same document whatever else this run generates
                    data, names = GENERATORS[kind](size, pools)
                    path, names_path = Path(folder) / f"{kind}-{size}", Path(folder) / f"{kind}-{size}.names.json"
                    path.write_bytes(data)
                    names_path.write_text(json.dumps(names), encoding="utf-8")
                    # A long field is refused by max_field_chars by default; with the limit raised out of
                    # the way, the linear parsers and the free-text cap are what bound the work.
                    variants = [("", {}, 1), (" (max_field_chars=10M)", {"INTERDICT_DOC_MAX_FIELD_CHARS": "10000000"}, 1)] if long_field else [("", {}, 1)]
                    if args.workers > 1 and not long_field:
                        variants.append((f" (--workers {args.workers})", {}, args.workers))
                    for label, extra_env, workers in variants:
                        result = child("document", kind, path, args.src, args.timeout, extra_env, workers)
                        single = child("names", kind, names_path, args.src, args.timeout) if args.compare and not long_field and workers == 1 else {}
                        count = single.get("names") or len(names)
                        row = {"kind": kind + label, "size": size, "bytes": len(data), "names": count, **result,
                               "screen_file_seconds": single.get("seconds")}
                        report["documents"].append(row)
                        per = result.get("seconds", float("nan")) / count * 1000
                        per_single = single.get("seconds", float("nan")) / count * 1000
                        outcome = result.get("error") or f"{result.get('verdict')} ({result.get('findings')} findings)"
                        if workers > 1 and result.get("worker_peak_mb"):
                            outcome += f", largest worker {result['worker_peak_mb']:.0f} MB"
                        print(f"{kind:<16}{size:>9,}{len(data):>11,}{result.get('seconds', float('nan')):>9.1f}{result.get('peak_mb', float('nan')):>9.0f}"
                              f"{result.get('loaded_mb', float('nan')):>9.0f}{count:>7,}{per:>9.2f}{per_single:>21.2f}  {label.strip()} {outcome[:150]}", flush=True)
    if "scaling" in kinds:
        print(f"\n{'parser':<18}{'chars':>11}{'seconds':>10}{'s per M chars':>15}  outcome")
        for row in parser_scaling([int(s) for s in args.scaling.split(",")], args.src, args.timeout):
            report["scaling"].append(row)
            print(f"{row['parser']:<18}{row['chars']:>11,}{row['seconds']:>10.3f}{row['seconds_per_million']:>15.3f}  {row['outcome']}", flush=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"\nwritten {args.out}")


if __name__ == "__main__":
    main()
