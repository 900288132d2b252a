"""The default catalog: every plugin's ``riskcore_catalog`` contribution, merged.

riskcore's own contribution (threats, mitigations and responses for a practice
doing interpersonal-issues therapy) lives in ``default.yaml`` beside this module
and is contributed by the built-in plugin :mod:`riskcore.catalog.builtin`.
Third-party plugins add their own items through the same hook.

Merging rules:

* contributions are merged in **plugin-name order**, so the result does not
  depend on install order;
* the evidence table (:class:`~riskcore.model.Evidence`) is merged the same way;
* an id defined by two plugins is a :class:`~riskcore.errors.CatalogError`
  naming both (ids are never silently overridden);
* a plugin that raises, or returns something that is not a
  :class:`~riskcore.model.Catalog`, is a :class:`~riskcore.errors.CatalogError`
  naming the plugin: a catalog with a contribution silently missing could drop a
  response that should have been armed;
* references across contributions (a plugin's mitigation reducing a built-in
  threat) are resolved on the merged catalog.

Every number in a catalog is either sourced or labelled illustrative; the rule
is :func:`~riskcore.catalog.labels.unlabelled_numbers` (re-exported here).

.. versionadded:: 0.1
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from riskcore.catalog.labels import label, numbers, unlabelled_numbers
from riskcore.errors import CatalogError, FieldError
from riskcore.model import Catalog, Evidence, Mitigation, Response, Threat
from riskcore.plugins import PluginManager, get_plugin_manager

__all__ = ["HOOK", "default_catalog", "label", "numbers", "unlabelled_numbers"]

HOOK = "riskcore_catalog"

_Item = TypeVar("_Item", Threat, Mitigation, Response, Evidence)


def _claim(
    owners: dict[tuple[str, str], str],
    kind: str,
    items: Iterable[_Item],
    plugin: str,
    out: list[_Item],
) -> None:
    for item in items:
        key = (kind, item.id)
        if key in owners:
            raise CatalogError(
                f"{kind} {item.id!r} is defined by both plugin {owners[key]!r} "
                f"and plugin {plugin!r}"
            )
        owners[key] = plugin
        out.append(item)


def default_catalog(pm: PluginManager | None = None) -> Catalog:
    """Build the catalog from every plugin's ``riskcore_catalog``.

    Parameters
    ----------
    pm:
        The plugin manager; default :func:`riskcore.plugins.get_plugin_manager`.

    Returns
    -------
    Catalog
        Named ``"default"``; items in plugin-name order, then file order.

    Raises
    ------
    CatalogError
        If a plugin's contribution fails or is not a catalog, if two plugins
        define the same id, or if the merged catalog has a dangling reference.

    Examples
    --------
    >>> pm = PluginManager(autoload=False)  # built-ins only
    >>> cat = default_catalog(pm)
    >>> cat.threat("client-self-harm").category
    'self-harm'
    >>> default_catalog(PluginManager(autoload=False, builtins=False)).threats
    ()
    """
    pm = pm or get_plugin_manager()
    owners: dict[tuple[str, str], str] = {}
    threats: list[Threat] = []
    mitigations: list[Mitigation] = []
    responses: list[Response] = []
    evidence: list[Evidence] = []
    for outcome in pm.call_each(HOOK):
        if outcome.error is not None:
            err = outcome.error
            raise CatalogError(
                f"plugin {outcome.plugin!r} failed to contribute to the catalog: "
                f"{type(err).__name__}: {err} "
                f"(set RISKCORE_DISABLE_PLUGINS={outcome.plugin} to skip it)"
            ) from err
        if outcome.result is None:
            continue
        contrib = outcome.result
        if not isinstance(contrib, Catalog):
            raise CatalogError(
                f"plugin {outcome.plugin!r} returned {type(contrib).__name__} "
                "from riskcore_catalog, expected a Catalog or None"
            )
        _claim(owners, "threat", contrib.threats, outcome.plugin, threats)
        _claim(owners, "mitigation", contrib.mitigations, outcome.plugin, mitigations)
        _claim(owners, "response", contrib.responses, outcome.plugin, responses)
        _claim(owners, "evidence", contrib.evidence, outcome.plugin, evidence)
    try:
        # Built from a mapping: the attrs plugin cannot type the tuple converter.
        fields: dict[str, Any] = {
            "threats": threats,
            "mitigations": mitigations,
            "responses": responses,
            "evidence": evidence,
        }
        return Catalog(name="default", **fields)
    except FieldError as exc:
        raise CatalogError(f"the merged catalog is inconsistent: {exc}") from exc
