"""The book's benchmarks: every recipe trained, and the records the appendix renders."""
