"""The check every parser's tests run: entities carry the model's vocabulary, not look-alike strings.

A plain "primary" where NameKind.PRIMARY belongs compares equal to it but does
not serialise the same: msgspec omits a field's default only when the value is
that very object, so the entity would gain a `"kind":"primary"` that the copy
read back from the store does not have. Checking the types, and that the JSON
survives a round trip unchanged, catches a string literal slipping back in.
"""

from __future__ import annotations

from interdict.model import IdentifierType, NameKind, RelationType, Schema, entity_from_json, entity_to_json
from interdict.sources.base import ParseResult


def assert_model_vocabulary(result: ParseResult) -> None:
    assert result.entities
    for entity in result.entities:
        assert type(entity.schema) is Schema, entity.id
        assert all(type(name.kind) is NameKind for name in entity.names), entity.id
        assert all(type(ident.type) is IdentifierType for ident in entity.identifiers), entity.id
        assert all(type(relation.type) is RelationType for relation in entity.relations), entity.id
        data = entity_to_json(entity)
        assert entity_to_json(entity_from_json(data)) == data, entity.id
