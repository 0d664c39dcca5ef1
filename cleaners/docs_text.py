"""The plain-text document format: documents separated by blank lines.

Read: a document is its run of non-blank lines. Written (the BERT pretraining
text and the gold format): one sentence per line, a blank line between
documents.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

JOINS = {"space": " ", "none": "", "newline": "\n"}


def read_documents(lines: Iterable[str]) -> Iterator[list[str]]:
    """Group lines (line ends removed) into documents at blank lines.

    >>> list(read_documents(["가 ", "나", "", "  ", "다", ""]))
    [['가 ', '나'], ['다']]
    """
    doc: list[str] = []
    for line in lines:
        line = line.rstrip("\r\n")
        if line.strip():
            doc.append(line)
        elif doc:
            yield doc
            doc = []
    if doc:
        yield doc


def join_lines(doc: list[str], join: str = "space") -> str:
    """A document's text: its lines joined by a space, nothing (the kss gold format), or newlines.

    >>> join_lines(["가.", "나."]), join_lines(["가. ", "나."], "none")
    ('가. 나.', '가. 나.')
    """
    try:
        sep = JOINS[join]
    except KeyError:
        raise ValueError(f"join must be one of {', '.join(JOINS)}, not {join!r}") from None
    return sep.join(line.strip() for line in doc) if sep == " " else sep.join(doc)


def format_documents(docs: Iterable[list[str]]) -> Iterator[str]:
    """Output lines: one sentence per line (inner line breaks folded), a blank line between documents.

    >>> list(format_documents([["가.", "나\\n다."], ["라."]]))
    ['가.', '나 다.', '', '라.']
    """
    first = True
    for sentences in docs:
        if not sentences:
            continue
        if not first:
            yield ""
        first = False
        for sentence in sentences:
            yield " ".join(sentence.split())


def split_documents(lines: Iterable[str], split: Callable[[str], list[str]],
                    join: str = "space") -> Iterator[list[str]]:
    """Each document of ``lines``, split into sentences.

    >>> list(split_documents(["좋다. 가자", "", "하나"], lambda t: t.split(". ")))
    [['좋다', '가자'], ['하나']]
    """
    from korpus.cleaners.split import split_many

    yield from split_many(split, (join_lines(doc, join) for doc in read_documents(lines)))
