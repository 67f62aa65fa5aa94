"""The app's own participant-facing words, in every language a study can use."""

from __future__ import annotations

from typing import Any

WORDS: dict[str, dict[str, str]] = {
    "choose_language": {"en": "Please choose your language", "fr": "Veuillez choisir votre langue", "de": "Bitte wählen Sie Ihre Sprache"},
    "language_name": {"en": "English", "fr": "Français", "de": "Deutsch"},
    "consent_title": {"en": "Before we begin", "fr": "Avant de commencer", "de": "Bevor wir beginnen"},
    "accept": {"en": "I agree", "fr": "J'accepte", "de": "Ich stimme zu"},
    "decline": {"en": "I do not agree", "fr": "Je refuse", "de": "Ich stimme nicht zu"},
    "next": {"en": "Next", "fr": "Suivant", "de": "Weiter"},
    "back": {"en": "Back", "fr": "Retour", "de": "Zurück"},
    "continue": {"en": "Continue", "fr": "Continuer", "de": "Weiter"},
    "optional": {"en": "optional", "fr": "facultatif", "de": "optional"},
    "choose_all": {"en": "Space to tick or untick", "fr": "Espace pour cocher ou décocher", "de": "Leertaste zum An- oder Abwählen"},
    "page_hint": {
        "en": "Tab: next question · arrows and Space: choose · Ctrl+N: next page",
        "fr": "Tab : question suivante · flèches et Espace : choisir · Ctrl+N : page suivante",
        "de": "Tab: nächste Frage · Pfeile und Leertaste: wählen · Strg+N: nächste Seite",
    },
    "required": {"en": "Please answer this question.", "fr": "Veuillez répondre à cette question.", "de": "Bitte beantworten Sie diese Frage."},
    "invalid_choice": {"en": "Please choose one of the options.", "fr": "Veuillez choisir l'une des réponses.", "de": "Bitte wählen Sie eine der Antworten."},
    "min_selected": {"en": "Please choose at least {n}.", "fr": "Veuillez en choisir au moins {n}.", "de": "Bitte wählen Sie mindestens {n}."},
    "max_selected": {"en": "Please choose at most {n}.", "fr": "Veuillez en choisir au plus {n}.", "de": "Bitte wählen Sie höchstens {n}."},
    "out_of_range": {"en": "Please choose a value from {low} to {high}.", "fr": "Veuillez choisir une valeur de {low} à {high}.", "de": "Bitte wählen Sie einen Wert von {low} bis {high}."},
    "too_long": {"en": "Please use at most {n} characters.", "fr": "Veuillez utiliser au plus {n} caractères.", "de": "Bitte verwenden Sie höchstens {n} Zeichen."},
    "frame_of": {"en": "Image {i} of {n}", "fr": "Image {i} sur {n}", "de": "Bild {i} von {n}"},
    "storyboard_hint": {
        "en": "← → to move between images · Enter on the last image to continue",
        "fr": "← → pour passer d'une image à l'autre · Entrée sur la dernière image pour continuer",
        "de": "← → zum Blättern · Eingabe beim letzten Bild, um fortzufahren",
    },
    "image_missing": {"en": "(This image is not available.)", "fr": "(Cette image n'est pas disponible.)", "de": "(Dieses Bild ist nicht verfügbar.)"},
    "clip_starting": {"en": "The clip is starting…", "fr": "L'extrait va commencer…", "de": "Der Clip startet…"},
    "clip_playing": {"en": "Now playing", "fr": "En cours de lecture", "de": "Läuft gerade"},
    "clip_problem": {
        "en": "The clip cannot be shown right now. Please wait for the moderator.",
        "fr": "L'extrait ne peut pas être montré pour le moment. Veuillez attendre l'animateur.",
        "de": "Der Clip kann gerade nicht gezeigt werden. Bitte warten Sie auf die Moderation.",
    },
    "save_failed": {
        "en": "Your answer could not be saved yet. Please tell the moderator; nothing you entered is lost.",
        "fr": "Votre réponse n'a pas encore pu être enregistrée. Prévenez l'animateur ; rien de ce que vous avez saisi n'est perdu.",
        "de": "Ihre Antwort konnte noch nicht gespeichert werden. Bitte sagen Sie der Moderation Bescheid; nichts geht verloren.",
    },
    "dial_hint": {
        "en": "Turn the dial as you watch: ↑ or + when you like it more, ↓ or − when you like it less.",
        "fr": "Tournez le curseur pendant le visionnage : ↑ ou + quand vous aimez davantage, ↓ ou − quand vous aimez moins.",
        "de": "Drehen Sie den Regler beim Zuschauen: ↑ oder +, wenn es Ihnen besser gefällt, ↓ oder −, wenn weniger.",
    },
    "dial_low": {"en": "Dislike", "fr": "N'aime pas", "de": "Gefällt nicht"},
    "dial_high": {"en": "Like", "fr": "Aime", "de": "Gefällt"},
    "clip_paused": {"en": "Paused — please wait", "fr": "En pause — veuillez patienter", "de": "Angehalten — bitte warten"},
    "clip_skip_hint": {"en": "S: skip this clip", "fr": "S : passer cet extrait", "de": "S: diesen Clip überspringen"},
}


def word(key: str, lang: str, **values: Any) -> str:
    entry = WORDS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template
