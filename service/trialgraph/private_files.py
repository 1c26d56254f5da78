"""The data folder is its owner's alone: folders 0700, files 0600, whatever made them (this
process's umask is set to 077, and what is already there is changed), and secrets such as new
tokens go to files of the owner, never to standard output or a log."""

import os
from pathlib import Path


def make_private(folder: Path) -> None:
    """Make `folder` and everything in it readable by its owner only, and keep it so for what
    this process creates from now on."""
    os.umask(0o077)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    for root, folders, files in os.walk(folder):
        for names, mode in ((folders, 0o700), (files, 0o600)):
            for name in names:
                try:
                    Path(root, name).chmod(mode)
                except FileNotFoundError:  # an open store removes files as it works
                    continue


def write_private(path: Path, text: str) -> None:
    """Write a file that only its owner may read (mode 0600), replacing any."""
    path.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as file:
        file.write(text)
    path.chmod(0o600)
