"""Search over the registry's acts: text analysis, indexing, Elasticsearch and SQLite FTS5."""
