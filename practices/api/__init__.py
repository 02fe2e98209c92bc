"""The read-only JSON API over the library and its reference records, described by OpenAPI."""
