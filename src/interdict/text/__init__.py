"""Name text: evasion folding, transliteration, name parts and skeleton keys."""
