"""Names and limits of the model tooling, importable without the tooling (the CLI shows them in --help)."""

PUBLIC_INDEX_URL = "https://raw.githubusercontent.com/argosopentech/argospm-index/main/index.json"
LOCK_NAME = "models.lock"
NETWORK_TIMEOUT = 30.0  # seconds one network read may wait
NETWORK_DEADLINE = 3600.0  # seconds one whole request (index or package) may take
