"""The learned sentence splitter: candidates from a scan, decisions from a small model.

- :mod:`.classes`: a class for every character (hangul, jamo, stop, quote...);
- :mod:`.batch`: many documents as one array of code points, with the
  places a sentence could end (:func:`.batch.candidates`);
- :mod:`.features`: hashed features of each candidate, computed with numpy;
- :mod:`.rules`: the decisions that are certain (decimal points, URLs, list
  markers, abbreviations, quoted speech closed by 라고/하고, line breaks);
- :mod:`.model`: the shipped weights and the scoring;
- :mod:`.splitter`: :class:`.splitter.BoundarySplitter`, ``texts -> sentences``;
- :mod:`.corpus`, :mod:`.teachers`, :mod:`.train`: the training text, the
  silver labels from kss-mecab and Kiwi, and the script that rebuilds the model.
"""
