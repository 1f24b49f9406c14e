"""What the tracker stores is safe for every consumer and fits its field: one rule for links, one for text.

Links: every URL the tracker stores or serves is an absolute http(s) URL, or empty. `normalise_url` reads a
value as a browser would (leading and trailing spaces and control characters dropped, tabs and newlines
inside removed: `java\\nscript:` is `javascript:`), then refuses anything but an absolute http or https
URL that Django's own URLValidator accepts, saying why (`UnsafeURL`). `validate_http_url` is the same rule
as a model field validator, so the admin's forms and the API's serializers refuse what ingestion refuses,
naming the field.

Text: `clean_text` removes what no database column should hold (NUL, which PostgreSQL refuses, and the
other control characters but tab and newline; a lone surrogate, which cannot be encoded, becomes U+FFFD);
`plain_text` also strips markup, decodes entities and collapses whitespace (for fields documented as
plain text); `fit_text` cuts a value to its column's length at a word boundary with an ellipsis, never
inside a character or a grapheme cluster (a letter and its combining marks, an emoji sequence), so what
SQLite stores is what PostgreSQL would.
"""

import html
import re
import string
import sys
import unicodedata
from urllib.parse import quote, urlsplit

import nh3
import regex
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

SAFE_SCHEMES = ("http", "https")
ELLIPSIS = "…"

# C0 controls and space: what a browser strips from both ends of a URL (WHATWG URL standard).
_C0_AND_SPACE = "".join(chr(code) for code in range(0x21))
_TAB_AND_NEWLINES = str.maketrans("", "", "\t\n\r")
# What RFC 3986 allows unencoded in a path, a query and a fragment; anything else (non-ASCII letters, spaces,
# invisible formatting characters such as RTL marks, quotes and angle brackets that would end an HTML
# attribute or tag if a consumer forgot to escape the URL) is percent-encoded, as a browser sends it.
_URI_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~:/?#@!$&'()*+,;=")
_PERCENT_ESCAPE = re.compile("%[0-9A-Fa-f]{2}")
_URL_VALIDATOR = URLValidator(schemes=list(SAFE_SCHEMES))


class UnsafeURL(ValueError):
    """A URL the tracker does not store; the message says why, the code what kind of refusal it is."""

    def __init__(self, message: str, code: str) -> None:
        super().__init__(message)
        self.code = code


def _without_surrogates(value: str) -> str:
    """Lone surrogates (which no UTF-8 column can hold) replaced with U+FFFD; proper pairs joined."""
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _encoded(text: str, allowed: frozenset[str] = _URI_CHARACTERS) -> str:
    """A path, query or fragment as a URI: characters RFC 3986 does not allow there percent-encoded (UTF-8),
    existing escapes kept, a stray "%" encoded."""
    pieces, position = [], 0
    while position < len(text):
        character = text[position]
        if character == "%" and _PERCENT_ESCAPE.match(text, position):
            pieces.append(text[position : position + 3])
            position += 3
            continue
        pieces.append(character if character in allowed else quote(character, safe=""))
        position += 1
    return "".join(pieces)


def _ascii_netloc(netloc: str) -> str:
    """The host in its ASCII (IDNA) form, user information percent-encoded; raises UnsafeURL."""
    if netloc.isascii():
        return netloc
    userinfo, at, host_port = netloc.rpartition("@")
    host, colon, port = host_port.rpartition(":") if ":" in host_port else (host_port, "", "")
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError as error:
        raise UnsafeURL("The link's host is not a valid name.", "invalid") from error
    return f"{_encoded(userinfo)}{at}{host}{colon}{port}"


def normalise_url(value: str | None, *, max_length: int = 2000) -> str:
    """The URL as it is stored: "" for a blank value, else an absolute http(s) URL; raises UnsafeURL."""
    url = _without_surrogates(str(value or "")).strip(_C0_AND_SPACE).strip().translate(_TAB_AND_NEWLINES)
    if not url:
        return ""
    if any(unicodedata.category(character) == "Cc" for character in url):
        raise UnsafeURL("The link contains control characters.", "control")
    try:
        parts = urlsplit(url)
    except ValueError as error:  # a "[" never closed: urllib reads the host as a broken IPv6 literal
        raise UnsafeURL("The link is not a valid URL.", "invalid") from error
    scheme = parts.scheme.lower()
    if not scheme:
        raise UnsafeURL("The link is not absolute: only http and https URLs with a host are kept.", "relative")
    if scheme not in SAFE_SCHEMES:
        raise UnsafeURL(f"{scheme}: links are refused: only http and https URLs are kept.", "scheme")
    if not parts.netloc:
        raise UnsafeURL("The link has no host: only http and https URLs with a host are kept.", "host")
    after_host = url[url.index(parts.netloc, len(scheme)) + len(parts.netloc) :]
    before_fragment, hash_sign, fragment = after_host.partition("#")
    url = f"{scheme}://{_ascii_netloc(parts.netloc)}{_encoded(before_fragment)}{hash_sign}"
    url += _encoded(fragment, _URI_CHARACTERS - {"#"})  # a second "#" would not be a URI
    if len(url) > max_length:
        raise UnsafeURL(f"The link is longer than {max_length} characters.", "length")
    try:
        _URL_VALIDATOR(url)
    except ValidationError as error:
        raise UnsafeURL("The link is not a valid URL.", "invalid") from error
    return url


def url_or_blank(value: str | None, *, max_length: int = 2000) -> tuple[str, str]:
    """(the normalised URL or "", why it was refused or "")."""
    try:
        return normalise_url(value, max_length=max_length), ""
    except UnsafeURL as error:
        return "", str(error)


# Refusals a URL field's own URLValidator reports already ("Enter a valid URL."): not said twice.
class HttpURLFormField(forms.URLField):
    """The admin's URL field. Django's completes a link typed without a scheme (`example.org/x`) with
    https; a scheme-relative one (`//host/x`, whose scheme would come from the page that shows it) is
    refused instead, as the API and ingestion refuse it."""

    def to_python(self, value):
        typed = _without_surrogates(str(value or "")).strip(_C0_AND_SPACE).strip().translate(_TAB_AND_NEWLINES)
        if typed[:2] in {"//", "\\\\", "/\\", "\\/"}:
            raise ValidationError(
                "The link is not absolute: only http and https URLs with a host are kept.", code="relative"
            )
        return super().to_python(value)


_SAID_BY_URL_VALIDATOR = frozenset({"relative", "invalid"})


def validate_http_url(value: str) -> None:
    """Model field validator: an absolute http(s) URL exactly as `normalise_url` writes it (or empty)."""
    try:
        normalised = normalise_url(value, max_length=sys.maxsize)  # (the field checks its own length)
    except UnsafeURL as error:
        if error.code in _SAID_BY_URL_VALIDATOR:
            return
        raise ValidationError(str(error), code="unsafe_url") from error
    if normalised != value:
        raise ValidationError(f"Write the link as {normalised}.", code="unsafe_url")


# Text -----------------------------------------------------------------------

_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WHITESPACE = re.compile(r"\s+")
_GRAPHEME = regex.compile(r"\X")


def clean_text(value: str | None) -> str:
    """NUL and the other control characters but tab and newline removed, lone surrogates replaced."""
    return _CONTROLS.sub("", _without_surrogates(str(value or "")))


def plain_text(value: str | None) -> str:
    """Text with no markup: tags stripped (scripts and styles with their content), entities decoded,
    whitespace collapsed to single spaces. `Talks resume <script>…</script>` is `Talks resume`."""
    text = clean_text(value)
    if "<" in text or "&" in text:
        text = html.unescape(nh3.clean(text, tags=set()))
    return _WHITESPACE.sub(" ", clean_text(text)).strip()


def fit_text(value: str, max_length: int, *, ellipsis: bool = True) -> str:
    """The value cut to `max_length` characters if longer: at the last word boundary before the limit
    (or the last grapheme boundary when a word is longer than half of it), with an ellipsis."""
    if len(value) <= max_length:
        return value
    budget = max_length - (len(ELLIPSIS) if ellipsis else 0)
    end = 0
    for grapheme in _GRAPHEME.finditer(value):
        if grapheme.end() > budget:
            break
        end = grapheme.end()
    head = value[:end]
    if ellipsis and not value[end].isspace():
        space = max(head.rfind(" "), head.rfind("\n"), head.rfind("\t"))
        if space > budget // 2:
            head = head[:space]
    head = head.rstrip()
    return f"{head}{ELLIPSIS}" if ellipsis else head


def fit_field(model: type[models.Model], name: str, value: str | None, *, ellipsis: bool = True) -> str:
    """A text cleaned (`clean_text`) and fitted to the model field's max_length."""
    field = model._meta.get_field(name)
    return fit_text(clean_text(value), field.max_length, ellipsis=ellipsis) if field.max_length else clean_text(value)


def fit_plain(model: type[models.Model], name: str, value: str | None) -> str:
    """A field documented as plain text (a title, an author, a name): markup stripped, entities decoded,
    whitespace collapsed (`plain_text`), then fitted to the column with an ellipsis (`fit_text`)."""
    return fit_text(plain_text(value), model._meta.get_field(name).max_length)
