"""Additions to the generated OpenAPI description: the error responses every client may meet, and `lang`."""

from django.conf import settings

# Every endpoint answers in the language `lang` names (opsi_portal.language_parameter).
LANGUAGE_PARAMETER = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "Language of records' titles, names, summaries and descriptions; English where the French "
    "version is missing. Without it, English.",
    "schema": {"type": "string", "enum": [code for code, _name in settings.LANGUAGES]},
}

PAGINATION_PARAMETERS = {"page", "page_size"}

NOT_FOUND = {
    "type": "object",
    "properties": {"detail": {"type": "string", "example": "No Practice matches the given query."}},
    "required": ["detail"],
}
INVALID_QUERY = {
    "type": "object",
    "description": "Each rejected query parameter with the reasons it was rejected.",
    "additionalProperties": {"type": "array", "items": {"type": "string"}},
    "example": {"country": ["Select a valid choice. narnia is not one of the available choices."]},
}


def document_error_responses(result, generator, request, public):
    """Add 404 (unknown record or page) to every operation and 400 (invalid query) to the lists.

    Filters also accept an empty value, which means no filter."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["NotFound"] = NOT_FOUND
    schemas["InvalidQuery"] = INVALID_QUERY
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            operation.setdefault("parameters", []).append(dict(LANGUAGE_PARAMETER))
            responses = operation.setdefault("responses", {})
            responses.setdefault("404", _response("Unknown record or page.", "NotFound"))
            for parameter in operation.get("parameters", []):
                # An empty filter (as a form submits it) means no filter, as on the list page.
                if parameter["in"] == "query" and parameter["name"] not in {*PAGINATION_PARAMETERS, "lang"}:
                    parameter["allowEmptyValue"] = True
                    # Comma-separated choices (sort=title,-published) skip empty items too.
                    items = parameter["schema"].get("items", {})
                    if "enum" in items and "" not in items["enum"]:
                        items["enum"].append("")
            if any(parameter["in"] == "query" for parameter in operation.get("parameters", [])):
                responses.setdefault("400", _response("A filter, page size or language is not valid.", "InvalidQuery"))
    return result


def _response(description, schema_name):
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema_name}"}}},
    }
