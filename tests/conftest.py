"""Test session set-up.

Hydra's plugin scan (``hydra.core.plugins.Plugins``, the first time a process needs a
plugin) executes every module under ``hydra_plugins`` again, in place: a class a test module
imported from one of them before the scan is no longer the class the module uses after it,
and ``==`` or ``pytest.raises`` between the two fail. Scanning here, before any test module
is imported, gives every test the classes the plugins use.
"""

from hydra.core.plugins import Plugins

Plugins.instance()
