"""Labels the exports and the codebook add to the study's own texts, in every language a study can use."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    # Missing-value codes.
    "screened_out": {"en": "Screened out before this question", "fr": "Exclu avant cette question", "de": "Vor dieser Frage ausgeschieden"},
    "not_shown": {"en": "Not shown", "fr": "Non montrée", "de": "Nicht gezeigt"},
    "sealed": {"en": "Sealed (not opened)", "fr": "Scellée (non ouverte)", "de": "Versiegelt (nicht geöffnet)"},
    # Value labels.
    "selected": {"en": "Selected", "fr": "Choisi", "de": "Gewählt"},
    "not_selected": {"en": "Not selected", "fr": "Non choisi", "de": "Nicht gewählt"},
    "yes": {"en": "Yes", "fr": "Oui", "de": "Ja"},
    "no": {"en": "No", "fr": "Non", "de": "Nein"},
    "clip_shown": {"en": "Shown", "fr": "Montré", "de": "Gezeigt"},
    "clip_skipped": {"en": "Skipped", "fr": "Passé", "de": "Übersprungen"},
    "clip_not_shown": {"en": "Not shown (failed)", "fr": "Non montré (échec)", "de": "Nicht gezeigt (Fehler)"},
    # Variable labels of the session's own variables.
    "session_id": {"en": "Session id", "fr": "Identifiant de session", "de": "Sitzungs-ID"},
    "participant_code": {"en": "Participant code", "fr": "Code du participant", "de": "Teilnehmercode"},
    "station": {"en": "Station", "fr": "Poste", "de": "Station"},
    "room": {"en": "Room", "fr": "Salle", "de": "Raum"},
    "seat": {"en": "Seat", "fr": "Place", "de": "Platz"},
    "language": {"en": "Language chosen", "fr": "Langue choisie", "de": "Gewählte Sprache"},
    "status": {"en": "Session status", "fr": "Statut de la session", "de": "Sitzungsstatus"},
    "outcome_reason": {"en": "Screen-out reason", "fr": "Motif d'exclusion", "de": "Ausschlussgrund"},
    "consent_version": {"en": "Consent version", "fr": "Version du consentement", "de": "Version der Einwilligung"},
    "consent_hash": {"en": "SHA-256 of the consent text shown", "fr": "SHA-256 du texte de consentement affiché", "de": "SHA-256 des gezeigten Einwilligungstexts"},
    "consented_at": {"en": "Consent given at (UTC)", "fr": "Consentement donné à (UTC)", "de": "Einwilligung erteilt um (UTC)"},
    "rewards_opt_in": {"en": "Joined the rewards programme", "fr": "Adhésion au programme de récompenses", "de": "Dem Prämienprogramm beigetreten"},
    "started_at": {"en": "Started at (UTC)", "fr": "Début (UTC)", "de": "Beginn (UTC)"},
    "ended_at": {"en": "Ended at (UTC)", "fr": "Fin (UTC)", "de": "Ende (UTC)"},
    "duration_seconds": {"en": "Duration (seconds)", "fr": "Durée (secondes)", "de": "Dauer (Sekunden)"},
    # Variable labels of stimuli and orders ({step} is the step's title).
    "outcome": {"en": "{step}: outcome", "fr": "{step} : résultat", "de": "{step}: Ergebnis"},
    "watched": {"en": "{step}: percent watched (best play)", "fr": "{step} : pourcentage vu (meilleure lecture)", "de": "{step}: Prozent gesehen (beste Wiedergabe)"},
    "completed": {"en": "{step}: watched to the end", "fr": "{step} : vu jusqu'au bout", "de": "{step}: bis zum Ende gesehen"},
    "plays": {"en": "{step}: number of plays", "fr": "{step} : nombre de lectures", "de": "{step}: Anzahl der Wiedergaben"},
    "dial_mean": {"en": "{step}: mean dial value (first play)", "fr": "{step} : valeur moyenne du curseur (première lecture)", "de": "{step}: mittlerer Reglerwert (erste Wiedergabe)"},
    "seconds": {"en": "{step}: seconds viewed", "fr": "{step} : secondes de visionnage", "de": "{step}: Sekunden angesehen"},
    "order": {"en": "Order shown: {what} of {of}", "fr": "Ordre montré : {what} de {of}", "de": "Gezeigte Reihenfolge: {what} von {of}"},
    "order_stimuli": {"en": "Order shown: stimuli", "fr": "Ordre montré : stimuli", "de": "Gezeigte Reihenfolge: Stimuli"},
    "rank": {"en": "rank", "fr": "rang", "de": "Rang"},
    "specify": {"en": "please specify", "fr": "précisez", "de": "bitte angeben"},
    "calculated": {"en": "Calculated: {expr}", "fr": "Calculé : {expr}", "de": "Berechnet: {expr}"},
    # The data-quality flags (flags.py).
    "flags": {"en": "Data-quality flags (count)", "fr": "Alertes de qualité (nombre)", "de": "Qualitätswarnungen (Anzahl)"},
    "flag_attention": {"en": "Attention checks failed", "fr": "Contrôles d'attention échoués", "de": "Nicht bestandene Aufmerksamkeitsprüfungen"},
    "flag_straightlining": {"en": "Matrices answered the same on every row", "fr": "Grilles à réponse identique sur chaque ligne", "de": "Matrizen mit gleicher Antwort in jeder Zeile"},
    "flag_speeding_page": {"en": "Pages answered too fast", "fr": "Pages répondues trop vite", "de": "Zu schnell beantwortete Seiten"},
    "flag_speeding_session": {"en": "Session completed too fast", "fr": "Session terminée trop vite", "de": "Sitzung zu schnell beendet"},
    "flag_reasons": {"en": "Reasons of the data-quality flags", "fr": "Motifs des alertes de qualité", "de": "Gründe der Qualitätswarnungen"},
}


def word(key: str, lang: str, **values: str) -> str:
    texts = WORDS[key]
    found = texts.get(lang) or texts["en"]
    return found.format(**values) if values else found


def all_languages(key: str, languages: list[str], **values: dict[str, str]) -> dict[str, str]:
    """``key`` in each language, with ``values`` given per language."""
    return {lang: word(key, lang, **{k: v[lang] for k, v in values.items()}) for lang in languages}
