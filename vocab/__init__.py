"""WordPiece vocabulary training in the KR-BERT-MEDIUM layout."""
