import os
import tempfile

from hypothesis import settings

# Derivative programs are cached per test session, so the derivation path runs too.
os.environ.setdefault("OPTKIT_CACHE_DIR", tempfile.mkdtemp(prefix="optkit-cache-"))
os.environ.pop("OPTKIT_PROBLEMS", None)
os.environ["NO_COLOR"] = "1"

settings.register_profile("optkit", deadline=None)
settings.load_profile("optkit")
