"""How the app reads a JSON body: Flask's provider, with a bound on how deeply the body may nest; the API's parser
(core.rest) reads bodies through it too.

Python's parser recurses once per level and fails with a RecursionError (a 500) at about a thousand levels; code
that walks the parsed value recurses as well. No body of ours nests more than a few levels, so a body nested deeper
than MAX_DEPTH is refused (TooDeep, a ValueError like malformed JSON: `request.get_json` answers 400, or None when
`silent`)."""
from flask.json.provider import DefaultJSONProvider

MAX_DEPTH = 64


class TooDeep(ValueError):
    """The body nests deeper than MAX_DEPTH levels."""


class JSONProvider(DefaultJSONProvider):
    def loads(self, s, **kwargs):
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise TooDeep(MAX_DEPTH) from None
        if _deeper_than(value, MAX_DEPTH):
            raise TooDeep(MAX_DEPTH)
        return value


def _deeper_than(value, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (without recursing, whatever the depth)."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        children = node.values() if isinstance(node, dict) else node if isinstance(node, list) else None
        if children is None:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children if isinstance(child, (dict, list)))
    return False
