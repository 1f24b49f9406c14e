"""Text normalisation shared by aliases (and, later, mention detection)."""

import re
import unicodedata

_SPACES = re.compile(r"\s+")

# ISO 15924 codes for the scripts analysts meet in this domain. A letter's
# Unicode name starts with its script's name ("ARABIC LETTER ALEF").
_SCRIPT_PREFIXES = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "HEBREW": "Hebr",
    "CYRILLIC": "Cyrl",
    "GREEK": "Grek",
    "CJK": "Hani",
}


def nfc(text: str) -> str:
    """Unicode NFC with runs of whitespace collapsed: the form every name is stored in."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", text)).strip()


def alias_key(text: str) -> str:
    """The comparison key of an alias: NFC, case-folded, whitespace collapsed."""
    return nfc(nfc(text).casefold())


def detect_script(text: str) -> str:
    """The ISO 15924 code of the first letter's script ("Zyyy" when no letter is known)."""
    for char in text:
        if not char.isalpha():
            continue
        name = unicodedata.name(char, "")
        for prefix, code in _SCRIPT_PREFIXES.items():
            if name.startswith(prefix):
                return code
    return "Zyyy"
