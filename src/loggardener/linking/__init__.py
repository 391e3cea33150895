"""Linking: evidence-based links between problems (causes and effects), suspect revisions and incidents.

A stage between clustering and prioritizing. `stage.Linker.facts` collects per-event facts while events are
clustered (bounded); `Linker.link` turns them into links and suspect revisions once the clusters are final;
prioritizing makes every cause at least as urgent as its effects; `build_incidents` groups linked problems.
"""
