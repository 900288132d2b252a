"""riskcore-safety: depression, anxiety, suicide-risk screening and an aggression screen.

* PHQ-9 (Kroenke, Spitzer & Williams, 2001) with item 9 as a critical item;
* GAD-7 (Spitzer, Kroenke, Williams & Löwe, 2006);
* the C-SSRS screener's triage logic (Posner et al., 2011), question ids only;
* riskcore's aggression screen: a checklist of documented risk factors, **not a
  validated instrument**.

The Brøset Violence Checklist and the DASA are licensed and do not ship; see the
README for adding them as a private plugin.

.. versionadded:: 0.1
"""

from __future__ import annotations

__version__ = "0.1.0"

__all__ = ["__version__"]
