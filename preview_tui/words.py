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
    "soft_required": {
        "en": "You have not answered this question. Press Ctrl+N again to go on without answering.",
        "fr": "Vous n'avez pas répondu à cette question. Appuyez de nouveau sur Ctrl+N pour continuer sans répondre.",
        "de": "Sie haben diese Frage nicht beantwortet. Drücken Sie erneut Strg+N, um ohne Antwort fortzufahren.",
    },
    "exclusive": {"en": "This option cannot be combined with others.", "fr": "Cette réponse ne peut pas être combinée avec d'autres.", "de": "Diese Antwort kann nicht mit anderen kombiniert werden."},
    "too_short": {"en": "Please write at least {n} characters.", "fr": "Veuillez écrire au moins {n} caractères.", "de": "Bitte schreiben Sie mindestens {n} Zeichen."},
    "not_a_number": {"en": "Please enter a number.", "fr": "Veuillez saisir un nombre.", "de": "Bitte geben Sie eine Zahl ein."},
    "not_whole": {"en": "Please enter a whole number.", "fr": "Veuillez saisir un nombre entier.", "de": "Bitte geben Sie eine ganze Zahl ein."},
    "not_a_date": {"en": "Please enter a date as YYYY-MM-DD.", "fr": "Veuillez saisir une date au format AAAA-MM-JJ.", "de": "Bitte geben Sie ein Datum als JJJJ-MM-TT ein."},
    "specify": {"en": "Please say which.", "fr": "Veuillez préciser.", "de": "Bitte geben Sie an, welche."},
    "incomplete": {"en": "Please answer every row.", "fr": "Veuillez répondre à chaque ligne.", "de": "Bitte beantworten Sie jede Zeile."},
    "please_specify": {"en": "Other, please specify", "fr": "Autre, veuillez préciser", "de": "Sonstiges, bitte angeben"},
    "date_hint": {"en": "YYYY-MM-DD", "fr": "AAAA-MM-JJ", "de": "JJJJ-MM-TT"},
    # Under a screen that scrolls, while part of it is below; the key is named as in the key hints.
    "more_below": {"en": "▼ More below (PgDn)", "fr": "▼ Suite plus bas (PgSuiv)", "de": "▼ Weiter unten (Bild↓)"},
    "slider_unset": {"en": "not set: use ← →", "fr": "pas de valeur : utilisez ← →", "de": "kein Wert: ← → benutzen"},
    "ranking_hint": {
        "en": "↑ ↓ choose an item · Shift+↑ / Shift+↓ or + / − move it · Enter keeps this order",
        "fr": "↑ ↓ choisir un élément · Maj+↑ / Maj+↓ ou + / − le déplacer · Entrée garde cet ordre",
        "de": "↑ ↓ Eintrag wählen · Umschalt+↑ / Umschalt+↓ oder + / − verschieben · Eingabe behält diese Reihenfolge",
    },
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
    "welcome": {
        "en": "Welcome! Please wait for the moderator to start your session.",
        "fr": "Bienvenue ! Veuillez attendre que l'animateur lance votre session.",
        "de": "Willkommen! Bitte warten Sie, bis die Moderation Ihre Sitzung startet.",
    },
    "paused": {
        "en": "The session is paused. Please wait for the moderator.",
        "fr": "La session est en pause. Veuillez attendre l'animateur.",
        "de": "Die Sitzung ist pausiert. Bitte warten Sie auf die Moderation.",
    },
    "still_there": {
        "en": "Are you still there? Press any key to go on.",
        "fr": "Êtes-vous toujours là ? Appuyez sur une touche pour continuer.",
        "de": "Sind Sie noch da? Drücken Sie eine beliebige Taste, um fortzufahren.",
    },
    "seconds_left": {"en": "{n} s", "fr": "{n} s", "de": "{n} s"},
    "dial_hint": {
        "en": "Turn the dial as you watch: ↑ or + when you like it more, ↓ or − when you like it less.",
        "fr": "Tournez le curseur pendant le visionnage : ↑ ou + quand vous aimez davantage, ↓ ou − quand vous aimez moins.",
        "de": "Drehen Sie den Regler beim Zuschauen: ↑ oder +, wenn es Ihnen besser gefällt, ↓ oder −, wenn weniger.",
    },
    "dial_low": {"en": "Dislike", "fr": "N'aime pas", "de": "Gefällt nicht"},
    "dial_high": {"en": "Like", "fr": "Aime", "de": "Gefällt"},
    "clip_paused": {"en": "Paused — please wait", "fr": "En pause — veuillez patienter", "de": "Angehalten — bitte warten"},
    "clip_skip_hint": {"en": "S: skip this clip", "fr": "S : passer cet extrait", "de": "S: diesen Clip überspringen"},
    "we_collect": {"en": "What we collect", "fr": "Ce que nous recueillons", "de": "Was wir erheben"},
    "category_answers": {"en": "Your answers to the questions", "fr": "Vos réponses aux questions", "de": "Ihre Antworten auf die Fragen"},
    "category_viewing": {"en": "What you watched and how (including the dial)", "fr": "Ce que vous avez regardé et comment (y compris le curseur)", "de": "Was Sie wie angesehen haben (auch den Regler)"},
    "category_language": {"en": "The language you chose", "fr": "La langue choisie", "de": "Die gewählte Sprache"},
    "category_ethnic_origin": {"en": "Ethnic origin (sensitive)", "fr": "Origine ethnique (sensible)", "de": "Ethnische Herkunft (sensibel)"},
    "category_political_opinions": {"en": "Political opinions (sensitive)", "fr": "Opinions politiques (sensible)", "de": "Politische Meinungen (sensibel)"},
    "category_religion": {"en": "Religious beliefs (sensitive)", "fr": "Convictions religieuses (sensible)", "de": "Religiöse Überzeugungen (sensibel)"},
    "category_sexual_orientation": {"en": "Sexual orientation (sensitive)", "fr": "Orientation sexuelle (sensible)", "de": "Sexuelle Orientierung (sensibel)"},
    "category_social_status": {"en": "Social status (sensitive)", "fr": "Statut social (sensible)", "de": "Sozialer Status (sensibel)"},
    "category_finances": {"en": "Financial situation (sensitive)", "fr": "Situation financière (sensible)", "de": "Finanzielle Situation (sensibel)"},
    "accept_adult": {"en": "I am {age} or older and I agree", "fr": "J'ai {age} ans ou plus et j'accepte", "de": "Ich bin {age} oder älter und stimme zu"},
    "under_age": {"en": "I am under {age}", "fr": "J'ai moins de {age} ans", "de": "Ich bin unter {age}"},
    "rewards_opt_in": {
        "en": "Yes, I also want to join the rewards programme (optional; you can take part without it)",
        "fr": "Oui, je souhaite aussi rejoindre le programme de récompenses (facultatif ; vous pouvez participer sans)",
        "de": "Ja, ich möchte auch am Prämienprogramm teilnehmen (freiwillig; Sie können auch ohne teilnehmen)",
    },
}


def word(key: str, lang: str, **values: Any) -> str:
    entry = WORDS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template
