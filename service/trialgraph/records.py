"""Read patient records from files and folders: FHIR JSON, or RDF already in the record model.

A `.json` file is FHIR (see trialgraph.fhir). A `.ttl`, `.nt` or `.jsonld` file is a record
graph whose one `tg:Patient` has one `tg:patientId`. JSON-LD is parsed only when every
`@context` is inline: a remote context would make reading a file fetch from the network.
A file that cannot be read yields a `RecordError`, and reading goes on with the next file.
"""

import json
import os
from collections.abc import Iterator
from pathlib import Path

from rdflib import RDF, Literal

from trialgraph.fhir import PatientRecord, RecordError
from trialgraph.namespaces import TG
from trialgraph.patient_ids import read_fhir
from trialgraph.rdf_terms import parse_graph

RDF_FORMATS = {".ttl": "turtle", ".nt": "nt", ".jsonld": "json-ld"}
SUFFIXES = (".json", *RDF_FORMATS)


def read_records(paths: list[Path]) -> Iterator[PatientRecord | RecordError]:
    """Yield the record, or the error, of each record file in the given files and folders."""
    return (item for _, item in read_record_files(paths))


def read_record_files(paths: list[Path]) -> Iterator[tuple[str, PatientRecord | RecordError]]:
    """Yield each record file in the given files and folders with its record, or error."""
    for path in map(Path, paths):
        if not path.exists():
            yield str(path), RecordError(str(path), "file", "path", "no such file or folder")
            continue
        for file in record_files(path) if path.is_dir() else [path]:
            try:
                yield str(file), read_record(file)
            except RecordError as error:
                yield str(file), error


def record_files(folder: Path) -> list[Path]:
    """Return the record files under a folder, recursively, in sorted order."""
    return sorted(
        Path(root, name)
        for root, _, names in os.walk(folder)
        for name in names
        if name.lower().endswith(SUFFIXES)
    )


def read_record(path: Path) -> PatientRecord:
    """Read one record file; raise RecordError if it cannot be read or is not a record."""
    source, suffix = str(path), path.suffix.lower()
    if suffix not in SUFFIXES:
        raise RecordError(source, "file", "name", f"not a record file ({', '.join(SUFFIXES)})")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise RecordError(source, "file", "path", f"cannot be read: {error.strerror}") from None
    if suffix == ".json":
        return read_fhir(data, source)
    return rdf_record(data, RDF_FORMATS[suffix], source, base=path.resolve().as_uri())


def rdf_record(data: bytes, rdf_format: str, source: str, base: str | None = None) -> PatientRecord:
    """Parse a record graph and find its patient; raise RecordError if that fails."""
    if rdf_format == "json-ld":
        refuse_remote_contexts(data, source)
    try:
        graph = parse_graph(data, rdf_format, base)
    except Exception as error:  # rdflib raises many unrelated types for bad syntax
        raise RecordError(source, "document", "syntax", f"not {rdf_format}: {error}") from None
    patients = sorted(graph.subjects(RDF.type, TG.Patient))
    if len(patients) != 1:
        found = ", ".join(patients) or "none"
        raise RecordError(source, "document", "tg:Patient", f"needs one tg:Patient, has {found}")
    ids = list(graph.objects(patients[0], TG.patientId))
    if len(ids) != 1 or not isinstance(ids[0], Literal):
        found = ", ".join(f'"{i}"' for i in ids) or "none"
        raise RecordError(source, str(patients[0]), "tg:patientId", f"needs one id, has {found}")
    return PatientRecord(str(ids[0]), list(graph))


def refuse_remote_contexts(data: bytes, source: str) -> None:
    """Raise RecordError unless every @context of a JSON-LD document is inline."""
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as error:
        raise RecordError(source, "document", "syntax", f"not JSON-LD: {error}") from None
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif isinstance(node, dict):
            context = node.get("@context")
            contexts = context if isinstance(context, list) else [context]
            remote = [c for c in contexts if not (c is None or isinstance(c, dict))]
            if "@import" in node:
                remote.append(node["@import"])
            if remote:
                shown = json.dumps(remote[0])[:80]
                raise RecordError(
                    source, "document", "@context", f"remote context {shown} refused (not fetched)"
                )
            stack.extend(node.values())
