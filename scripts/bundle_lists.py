"""Copy the official list files into the package, xz-compressed, with a manifest.

Run from the repository root when the bundled snapshot should change:

    python scripts/bundle_lists.py ../shared/data/lists

The bundle is what `interdict` screens against out of the box, with no network.
Each file keeps the sha256 of the original bytes so provenance survives compression.
"""

from __future__ import annotations

import hashlib
import lzma
import shutil
import sys
from pathlib import Path

# dataset -> (parser, {role: path under the lists folder}, origin note)
BUNDLE = {
    "us_ofac_sdn": ("ofac_csv", {"sdn": "ofac/sdn.csv", "add": "ofac/add.csv", "alt": "ofac/alt.csv", "comments": "ofac/sdn_comments.csv"},
                    "OFAC SDN.CSV set (official); ALT.CSV re-saved once with a header"),
    "us_ofac_cons": ("ofac_csv", {"sdn": "ofac/consolidated/cons_prim.csv", "add": "ofac/consolidated/cons_add.csv",
                                  "alt": "ofac/consolidated/cons_alt.csv", "comments": "ofac/consolidated/cons_comments.csv"},
                     "OFAC CONS_PRIM.CSV set (official)"),
    "us_trade_csl": ("us_csl", {"main": "us_csl/consolidated.csv.gz"}, "trade.gov consolidated.csv (gzip)"),
    "un_sc_sanctions": ("un_xml", {"main": "un/consolidated.xml"}, "UN SC consolidated.xml (official)"),
    "gb_fcdo_sanctions": ("uk_tables", {"subjects": "uk/subjects.csv", "names": "uk/subject_names.csv", "dobs": "uk/subject_dobs.csv",
                                        "identifiers": "uk/subject_identifiers.csv", "countries": "uk/subject_countries.csv"},
                          "UK Sanctions List (FCDO), third-party normalisation into five tables"),
    "eu_fsf": ("eu_flat", {"main": "eu/eu_names_2025-05.csv"}, "EU consolidated list, third-party flat export (names, aliases, nationality)"),
    "ca_dfatd_sema_sanctions": ("ca_sema", {"main": "canada/sema-lmes.xml"}, "Canada sema-lmes.xml (official)"),
    "au_dfat_sanctions": ("au_dfat", {"main": "australia/regulation8_consolidated.xlsx"}, "DFAT regulation8_consolidated.xlsx (official)"),
}

ALREADY_COMPRESSED = (".gz", ".xlsx", ".zip")


def main(lists: Path, out: Path) -> None:
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    lines = ["# Bundled official list files: written by scripts/bundle_lists.py; do not edit.", ""]
    for dataset, (parser, files, origin) in BUNDLE.items():
        folder = out / dataset
        folder.mkdir()
        lines += ["[[dataset]]", f'id = "{dataset}"', f'parser = "{parser}"', f'origin = "{origin}"', "[dataset.files]"]
        for role, rel in files.items():
            raw = (lists / rel).read_bytes()
            digest = hashlib.sha256(raw).hexdigest()
            name = Path(rel).name
            if name.endswith(ALREADY_COMPRESSED):
                stored = name
                (folder / stored).write_bytes(raw)
            else:
                stored = name + ".xz"
                (folder / stored).write_bytes(lzma.compress(raw, preset=9 | lzma.PRESET_EXTREME))
            lines.append(f'{role} = {{ file = "{dataset}/{stored}", original = "{name}", sha256 = "{digest}", bytes = {len(raw)} }}')
        lines.append("")
    (out / "manifest.toml").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    source = Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/data/lists")
    main(source, Path(__file__).resolve().parent.parent / "src" / "interdict" / "data" / "bundle")
