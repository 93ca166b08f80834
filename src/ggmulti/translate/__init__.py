"""Translation stage: turns segments into a language, recording where every sentence came from."""
