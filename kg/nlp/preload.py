"""Imported once by the fork server of ``kg build --jobs N``: the pipeline and the gazetteer are loaded there,
and every worker forked from it starts with them, sharing the model's pages instead of loading a copy each.

``gc.freeze()`` keeps the collector of a worker from writing to the inherited objects, which would copy their
pages one by one.  The server lives as long as the process that started it, and so does its copy of the
model (about 900 MB); later builds in that process fork from it, with the model it loaded first.
"""
import gc

from ..build import config_fingerprint
from ..gazetteer import load as load_gazetteer
from . import shared_pipeline

try:
    shared_pipeline().tokenizer.load_whole_model()  # the workers share it, so none looks features up itself
    load_gazetteer()
    config_fingerprint()
except Exception:  # noqa: BLE001 - the server must start; a worker's first task then loads the pipeline, and
    pass  # its error goes back to the driver with that task
gc.freeze()
