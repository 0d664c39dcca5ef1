"""Spiders of the law.go.kr crawler."""
