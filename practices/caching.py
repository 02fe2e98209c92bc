"""The caching helpers the library and its importer call; they live in `opsi_portal.caching`.

`bump_data_version()` after a bulk write (signals cover ordinary saves); `cached(name, compute,
params)` for expensive counts; `content_etag` for conditional GET on public pages.
"""

from opsi_portal.caching import bump_data_version, cache_public_page, cached, content_etag, data_version

__all__ = ["bump_data_version", "cache_public_page", "cached", "content_etag", "data_version"]
