"""The RDF namespaces TrialGraph mints and reuses."""

from rdflib import Namespace

TG = Namespace("https://w3id.org/trialgraph/ontology#")
TGP = Namespace("https://w3id.org/trialgraph/protocol/")
TGVS = Namespace("https://w3id.org/trialgraph/valueset/")
TGCS = Namespace("https://w3id.org/trialgraph/codesystem/")
TGI = Namespace("https://w3id.org/trialgraph/ingredient/")
TGSH = Namespace("https://w3id.org/trialgraph/shapes#")

PREFIXES = {"tg": TG, "tgp": TGP, "tgvs": TGVS, "tgcs": TGCS, "tgi": TGI, "tgsh": TGSH}
