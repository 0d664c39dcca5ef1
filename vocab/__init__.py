"""WordPiece vocabulary training in the KR-BERT-MEDIUM layout.

The library behind ``korpus vocab``; nothing heavy is imported here so that
the CLI stays fast::

    from korpus.vocab.train import VocabOptions, train_vocab
    report = train_vocab("corpus.parquet", "vocab-20k", VocabOptions(size=20_000))
"""
