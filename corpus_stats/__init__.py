"""Corpus statistics and the check against KR-BERT-MEDIUM's targets."""
