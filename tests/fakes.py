"""Test doubles that need no pytest: importable by the subprocesses the tests start."""

import re
import zlib

import numpy as np


class FakeEmbedder:
    """Hashes words into a fixed-size unit vector: same words, similar vectors. Fast, offline."""

    name = "fake-hashing-embedder"
    fingerprint = "fake-hashing-embedder@1"
    backend = "hashing"
    vectors = "fake-hashing-embedder@1 via hashing"
    dimension = 64

    def __init__(self):
        self.encoded = 0  # texts embedded so far: tests check what a rebuild re-embeds

    def encode(self, texts, progress=None):
        self.encoded += len(texts)
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, zlib.crc32(word.encode()) % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        if progress:
            progress(len(texts))
        return out / norms
