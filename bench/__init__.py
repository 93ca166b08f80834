"""Benchmarks run by `make bench` (python -m bench): not part of CI, numbers for humans."""
