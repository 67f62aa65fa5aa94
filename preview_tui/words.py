"""The app's own words, in every language a study can use.

One table for what participants read on screen and for the labels the exports and the codebook
add to the study's own texts: a language is added, or a wording fixed, in one place, and a word
both use is written once. A key means one thing wherever it is used.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable

WORDS: dict[str, dict[str, str]] = {
    # -- On the participant's screens.
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
    # A recording question (ui/recording.py); the keys are named as in the key hints.
    "rec_ready": {"en": "Press R to record your answer (up to {n} s).", "fr": "Appuyez sur R pour enregistrer votre réponse (jusqu'à {n} s).", "de": "Drücken Sie R, um Ihre Antwort aufzunehmen (bis zu {n} s)."},
    "rec_countdown": {"en": "Recording starts in {n}…", "fr": "L'enregistrement commence dans {n}…", "de": "Die Aufnahme beginnt in {n}…"},
    "rec_recording": {"en": "● Recording: {s} of {n} s. Press S to stop.", "fr": "● Enregistrement : {s} sur {n} s. Appuyez sur S pour arrêter.", "de": "● Aufnahme: {s} von {n} s. Drücken Sie S zum Beenden."},
    # Seconds as "s": never "1 seconds". Without a retake, the participant is not offered one.
    "rec_recorded": {"en": "Recorded: {s} s. Play it back, keep it, or record again.", "fr": "Enregistré : {s} s. Réécoutez, gardez ou enregistrez de nouveau.", "de": "Aufgenommen: {s} s. Anhören, behalten oder neu aufnehmen."},
    "rec_recorded_once": {"en": "Recorded: {s} s. Play it back or keep it.", "fr": "Enregistré : {s} s. Réécoutez ou gardez.", "de": "Aufgenommen: {s} s. Anhören oder behalten."},
    "rec_playing": {"en": "Playing your recording back…", "fr": "Lecture de votre enregistrement…", "de": "Ihre Aufnahme wird abgespielt…"},
    "rec_kept": {"en": "Your recording is kept. Thank you.", "fr": "Votre enregistrement est conservé. Merci.", "de": "Ihre Aufnahme wurde gespeichert. Danke."},
    "rec_failed": {"en": "The recording did not work ({reason}). Press R to try again.", "fr": "L'enregistrement n'a pas fonctionné ({reason}). Appuyez sur R pour réessayer.", "de": "Die Aufnahme hat nicht funktioniert ({reason}). Drücken Sie R, um es erneut zu versuchen."},
    "rec_unavailable": {
        "en": "Recording is not possible on this station ({reason}). This question is skipped; please tell the moderator.",
        "fr": "L'enregistrement n'est pas possible sur ce poste ({reason}). Cette question est passée ; veuillez prévenir l'animateur.",
        "de": "Eine Aufnahme ist an diesem Platz nicht möglich ({reason}). Diese Frage wird übersprungen; bitte sagen Sie es der Moderation.",
    },
    "do_record": {"en": "record", "fr": "enregistrer", "de": "aufnehmen"},
    "do_stop_recording": {"en": "stop recording", "fr": "arrêter l'enregistrement", "de": "Aufnahme beenden"},
    "do_play_back": {"en": "play it back", "fr": "réécouter", "de": "anhören"},
    "do_keep_recording": {"en": "keep it", "fr": "garder", "de": "behalten"},
    "do_record_again": {"en": "record again", "fr": "enregistrer de nouveau", "de": "neu aufnehmen"},
    "slider_unset": {"en": "not set: use ← →", "fr": "pas de valeur : utilisez ← →", "de": "kein Wert: ← → benutzen"},
    "ranking_hint": {
        "en": "↑ ↓ choose an item · Shift+↑ / Shift+↓ or + / - move it up / down · Enter keeps this order",
        "fr": "↑ ↓ choisir un élément · Maj+↑ / Maj+↓ ou + / - le monter / descendre · Entrée garde cet ordre",
        "de": "↑ ↓ Eintrag wählen · Umschalt+↑ / Umschalt+↓ oder + / - nach oben / unten · Eingabe behält diese Reihenfolge",
    },
    # Keys: the names of the keys, and what they do, for the hints under each screen and the help (F1).
    "key_enter": {"en": "Enter", "fr": "Entrée", "de": "Eingabe"},
    "key_space": {"en": "Space", "fr": "Espace", "de": "Leertaste"},
    "key_ctrl_n": {"en": "Ctrl+N", "fr": "Ctrl+N", "de": "Strg+N"},
    "key_ctrl_b": {"en": "Ctrl+B", "fr": "Ctrl+B", "de": "Strg+B"},
    "key_shift_tab": {"en": "Shift+Tab", "fr": "Maj+Tab", "de": "Umschalt+Tab"},
    "key_pages": {"en": "PgUp PgDn", "fr": "PgPréc PgSuiv", "de": "Bild↑ Bild↓"},
    "do_help": {"en": "help", "fr": "aide", "de": "Hilfe"},
    "do_this_help": {"en": "this help", "fr": "cette aide", "de": "diese Hilfe"},
    "help_title": {"en": "Keys", "fr": "Touches", "de": "Tasten"},
    "help_close": {"en": "Esc or F1: close", "fr": "Échap ou F1 : fermer", "de": "Esc oder F1: schließen"},
    "do_choose_language": {"en": "choose a language", "fr": "choisir une langue", "de": "Sprache wählen"},
    "do_continue_language": {"en": "continue in this language", "fr": "continuer dans cette langue", "de": "in dieser Sprache weiter"},
    "do_move_buttons": {"en": "move between the boxes and buttons", "fr": "passer d'une case ou d'un bouton à l'autre", "de": "zwischen Kästchen und Schaltflächen wechseln"},
    "do_scroll_text": {"en": "scroll the text", "fr": "faire défiler le texte", "de": "Text blättern"},
    "do_tick": {"en": "tick or untick", "fr": "cocher ou décocher", "de": "an- oder abwählen"},
    "do_press": {"en": "press the highlighted button", "fr": "appuyer sur le bouton en surbrillance", "de": "markierte Schaltfläche drücken"},
    "do_next_question": {"en": "next question", "fr": "question suivante", "de": "nächste Frage"},
    "do_previous_question": {"en": "previous question", "fr": "question précédente", "de": "vorige Frage"},
    "do_move_answers": {"en": "move between answers", "fr": "passer d'une réponse à l'autre", "de": "zwischen Antworten wechseln"},
    "do_choose": {"en": "choose", "fr": "choisir", "de": "wählen"},
    "do_next_page": {"en": "next page", "fr": "page suivante", "de": "nächste Seite"},
    "do_previous_page": {"en": "previous page", "fr": "page précédente", "de": "vorige Seite"},
    "do_rank_move": {"en": "move the item up / down", "fr": "monter / descendre l'élément", "de": "Eintrag nach oben / unten"},
    "do_rank_keep": {"en": "keep this order", "fr": "garder cet ordre", "de": "Reihenfolge behalten"},
    "do_next_image": {"en": "next image", "fr": "image suivante", "de": "nächstes Bild"},
    "do_previous_image": {"en": "previous image", "fr": "image précédente", "de": "voriges Bild"},
    "do_continue": {"en": "continue", "fr": "continuer", "de": "weiter"},
    "do_like_more": {"en": "I like it more", "fr": "j'aime davantage", "de": "gefällt mir mehr"},
    "do_like_less": {"en": "I like it less", "fr": "j'aime moins", "de": "gefällt mir weniger"},
    "do_skip_clip": {"en": "skip this clip", "fr": "passer cet extrait", "de": "Clip überspringen"},
    "do_finish": {"en": "finish", "fr": "terminer", "de": "beenden"},
    "frame_of": {"en": "Image {i} of {n}", "fr": "Image {i} sur {n}", "de": "Bild {i} von {n}"},
    "image_missing": {"en": "(This image is not available.)", "fr": "(Cette image n'est pas disponible.)", "de": "(Dieses Bild ist nicht verfügbar.)"},
    "clip_starting": {"en": "The clip is starting…", "fr": "L'extrait va commencer…", "de": "Der Clip startet…"},
    "clip_playing": {"en": "Now playing", "fr": "En cours de lecture", "de": "Läuft gerade"},
    "clip_room_waiting": {
        "en": "Please watch the room's screen. The clip starts when the moderator starts it.",
        "fr": "Veuillez regarder l'écran de la salle. L'extrait commence quand l'animateur le lance.",
        "de": "Bitte sehen Sie auf die Leinwand im Raum. Der Clip beginnt, wenn die Moderation ihn startet.",
    },
    "seat_room_code": {"en": "Room code (on the moderator's screen)", "fr": "Code de la salle (sur l'écran de l'animateur)", "de": "Raumcode (auf dem Bildschirm der Moderation)"},
    "seat_your_code": {"en": "Your participant code", "fr": "Votre code de participant", "de": "Ihr Teilnehmercode"},
    "seat_join": {"en": "Join", "fr": "Rejoindre", "de": "Beitreten"},
    "seat_wrong_code": {"en": "This is not the room's code.", "fr": "Ce n'est pas le code de la salle.", "de": "Das ist nicht der Raumcode."},
    "seat_no_code": {"en": "Please type your participant code.", "fr": "Veuillez saisir votre code de participant.", "de": "Bitte geben Sie Ihren Teilnehmercode ein."},
    "seat_code_in_use": {"en": "This code is already in use at another seat.", "fr": "Ce code est déjà utilisé à une autre place.", "de": "Dieser Code wird bereits an einem anderen Platz verwendet."},
    "seat_closed": {"en": "The room is closed.", "fr": "La salle est fermée.", "de": "Der Raum ist geschlossen."},
    "seat_not_started": {"en": "The session could not start. Please tell the moderator.", "fr": "La session n'a pas pu commencer. Veuillez prévenir l'animateur.", "de": "Die Sitzung konnte nicht beginnen. Bitte sagen Sie der Moderation Bescheid."},
    "clip_room_playing": {"en": "Now playing on the room's screen", "fr": "En cours sur l'écran de la salle", "de": "Läuft auf der Leinwand im Raum"},
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
        "en": "Turn the dial as you watch: ↑ or + when you like it more, ↓ or - when you like it less.",
        "fr": "Tournez le curseur pendant le visionnage : ↑ ou + quand vous aimez davantage, ↓ ou - quand vous aimez moins.",
        "de": "Drehen Sie den Regler beim Zuschauen: ↑ oder +, wenn es Ihnen besser gefällt, ↓ oder -, wenn weniger.",
    },
    "dial_low": {"en": "Dislike", "fr": "N'aime pas", "de": "Gefällt nicht"},
    "dial_high": {"en": "Like", "fr": "Aime", "de": "Gefällt"},
    "clip_paused": {"en": "Paused — please wait", "fr": "En pause — veuillez patienter", "de": "Angehalten — bitte warten"},
    "we_collect": {"en": "What we collect", "fr": "Ce que nous recueillons", "de": "Was wir erheben"},
    "category_answers": {"en": "Your answers to the questions", "fr": "Vos réponses aux questions", "de": "Ihre Antworten auf die Fragen"},
    "category_viewing": {"en": "What you watched and how (including the dial)", "fr": "Ce que vous avez regardé et comment (y compris le curseur)", "de": "Was Sie wie angesehen haben (auch den Regler)"},
    "category_language": {"en": "The language you chose", "fr": "La langue choisie", "de": "Die gewählte Sprache"},
    "category_audio_visual": {"en": "Recordings of your voice or image", "fr": "Enregistrements de votre voix ou de votre image", "de": "Aufnahmen Ihrer Stimme oder Ihres Bildes"},
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
    # The plain, line-by-line mode (``preview_tui/plain``): what to type, and its typed commands.
    "plain_type_number": {"en": "Type the number of your answer.", "fr": "Tapez le numéro de votre réponse.", "de": "Geben Sie die Nummer Ihrer Antwort ein."},
    "plain_type_numbers": {
        "en": "Type the numbers of all that apply, separated by spaces.",
        "fr": "Tapez les numéros de toutes les réponses qui conviennent, séparés par des espaces.",
        "de": "Geben Sie die Nummern aller zutreffenden Antworten ein, durch Leerzeichen getrennt.",
    },
    "plain_type_order": {
        "en": "Type every number in your order, first one first, e.g. {example}.",
        "fr": "Tapez tous les numéros dans votre ordre, le premier d'abord, par exemple {example}.",
        "de": "Geben Sie alle Nummern in Ihrer Reihenfolge ein, die erste zuerst, z. B. {example}.",
    },
    "plain_type_scale": {"en": "Type a number from {low} to {high}.", "fr": "Tapez un nombre de {low} à {high}.", "de": "Geben Sie eine Zahl von {low} bis {high} ein."},
    "plain_type_steps": {"en": "Type a number from {low} to {high}, in steps of {step}.", "fr": "Tapez un nombre de {low} à {high}, par pas de {step}.", "de": "Geben Sie eine Zahl von {low} bis {high} ein, in Schritten von {step}."},
    "plain_type_amount": {"en": "Type a number.", "fr": "Tapez un nombre.", "de": "Geben Sie eine Zahl ein."},
    "plain_type_amount_in": {"en": "Type a number, in {unit}.", "fr": "Tapez un nombre, en {unit}.", "de": "Geben Sie eine Zahl ein, in {unit}."},
    "plain_recording": {
        "en": "This question asks for a recording, which is not possible here; it is skipped.",
        "fr": "Cette question demande un enregistrement, ce qui n'est pas possible ici ; elle est passée.",
        "de": "Diese Frage bittet um eine Aufnahme, die hier nicht möglich ist; sie wird übersprungen.",
    },
    "plain_type_anything": {"en": "Type anything and press Enter to go on.", "fr": "Tapez n'importe quoi puis Entrée pour continuer.", "de": "Geben Sie etwas ein und drücken Sie die Eingabetaste, um fortzufahren."},
    "plain_type_text": {"en": "Type your answer on one line.", "fr": "Tapez votre réponse sur une ligne.", "de": "Geben Sie Ihre Antwort in einer Zeile ein."},
    "plain_type_date": {"en": "Type a date as {hint}.", "fr": "Tapez une date au format {hint}.", "de": "Geben Sie ein Datum als {hint} ein."},
    "plain_type_special": {"en": "Or type a letter: {letters}.", "fr": "Ou tapez une lettre : {letters}.", "de": "Oder geben Sie einen Buchstaben ein: {letters}."},
    "plain_empty_skips": {"en": "An empty line leaves it unanswered.", "fr": "Une ligne vide la laisse sans réponse.", "de": "Eine leere Zeile lässt sie unbeantwortet."},
    "plain_empty_keeps": {"en": "An empty line keeps your answer: {answer}", "fr": "Une ligne vide garde votre réponse : {answer}", "de": "Eine leere Zeile behält Ihre Antwort: {answer}"},
    "plain_row": {"en": "Row {i} of {n}: {row}", "fr": "Ligne {i} sur {n} : {row}", "de": "Zeile {i} von {n}: {row}"},
    "plain_press_enter": {"en": "Press Enter to continue.", "fr": "Appuyez sur Entrée pour continuer.", "de": "Drücken Sie die Eingabetaste, um fortzufahren."},
    "plain_clip": {
        "en": "Clip: {title}. It is not played on this screen; the moderator shows it.",
        "fr": "Extrait : {title}. Il n'est pas lu sur cet écran ; l'animateur le montre.",
        "de": "Clip: {title}. Er wird nicht auf diesem Bildschirm abgespielt; die Moderation zeigt ihn.",
    },
    "plain_soft_required": {
        "en": "You have not answered this question. Press Enter on an empty line to go on without answering.",
        "fr": "Vous n'avez pas répondu à cette question. Appuyez sur Entrée sur une ligne vide pour continuer sans répondre.",
        "de": "Sie haben diese Frage nicht beantwortet. Drücken Sie in einer leeren Zeile die Eingabetaste, um ohne Antwort fortzufahren.",
    },
    "plain_rewards_no": {"en": "No, thank you", "fr": "Non merci", "de": "Nein, danke"},
    "plain_cmd_back": {"en": "!back", "fr": "!retour", "de": "!zurück"},
    "plain_cmd_withdraw": {"en": "!withdraw", "fr": "!retrait", "de": "!widerruf"},
    "plain_cmd_help": {"en": "!help", "fr": "!aide", "de": "!hilfe"},
    "plain_commands": {
        "en": "Commands: {back} the previous question, {withdraw} leave the study and erase your answers, {help} this help.",
        "fr": "Commandes : {back} la question précédente, {withdraw} quitter l'étude et effacer vos réponses, {help} cette aide.",
        "de": "Befehle: {back} die vorige Frage, {withdraw} die Studie verlassen und Ihre Antworten löschen, {help} diese Hilfe.",
    },
    "plain_no_back": {"en": "There is no earlier question to go back to.", "fr": "Il n'y a pas de question précédente.", "de": "Es gibt keine vorige Frage."},
    "plain_yes": {"en": "yes", "fr": "oui", "de": "ja"},
    "plain_withdraw_confirm": {
        "en": "Leave the study and erase everything you gave today? This cannot be undone. Type {yes} to confirm; anything else goes on.",
        "fr": "Quitter l'étude et effacer tout ce que vous avez donné aujourd'hui ? C'est définitif. Tapez {yes} pour confirmer ; toute autre réponse continue.",
        "de": "Die Studie verlassen und alles löschen, was Sie heute angegeben haben? Das kann nicht rückgängig gemacht werden. Geben Sie {yes} ein, um zu bestätigen; alles andere geht weiter.",
    },
    "plain_withdrawn": {
        "en": "You have left the study. Everything you gave has been erased. Thank you.",
        "fr": "Vous avez quitté l'étude. Tout ce que vous avez donné a été effacé. Merci.",
        "de": "Sie haben die Studie verlassen. Alles, was Sie angegeben haben, wurde gelöscht. Vielen Dank.",
    },
    # -- In the exports and the codebook (researchers read these).
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
    # Variable labels of the session's own variables, keyed by the variable's name (``rewards_opt_in``
    # is the consent screen's box, so its variable's label is ``rewards_joined``).
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
    "rewards_joined": {"en": "Joined the rewards programme", "fr": "Adhésion au programme de récompenses", "de": "Dem Prämienprogramm beigetreten"},
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
    # After a question's text, the label of the text typed for "Other" (``specify`` is the problem shown).
    "specify_label": {"en": "please specify", "fr": "précisez", "de": "bitte angeben"},
    "calculated": {"en": "Calculated: {expr}", "fr": "Calculé : {expr}", "de": "Berechnet: {expr}"},
    # The data-quality flags (export/flags.py).
    "flags": {"en": "Data-quality flags (count)", "fr": "Alertes de qualité (nombre)", "de": "Qualitätswarnungen (Anzahl)"},
    "flag_attention": {"en": "Attention checks failed", "fr": "Contrôles d'attention échoués", "de": "Nicht bestandene Aufmerksamkeitsprüfungen"},
    "flag_straightlining": {"en": "Matrices answered the same on every row", "fr": "Grilles à réponse identique sur chaque ligne", "de": "Matrizen mit gleicher Antwort in jeder Zeile"},
    "flag_speeding_page": {"en": "Pages answered too fast", "fr": "Pages répondues trop vite", "de": "Zu schnell beantwortete Seiten"},
    "flag_speeding_session": {"en": "Session completed too fast", "fr": "Session terminée trop vite", "de": "Sitzung zu schnell beendet"},
    "flag_reasons": {"en": "Reasons of the data-quality flags", "fr": "Motifs des alertes de qualité", "de": "Gründe der Qualitätswarnungen"},
}


def word(key: str, lang: str, **values: Any) -> str:
    entry = WORDS[key]
    template = entry.get(lang) or entry["en"]
    return template.format(**values) if values else template


def in_each(key: str, languages: Iterable[str]) -> str:
    """``key`` said in each of ``languages``, for what is shown before the participant has chosen one."""
    return " · ".join(word(key, lang) for lang in languages)


def problem_text(problem: Any, lang: str, text: Callable[[Any], str]) -> str:
    """What the participant reads about an answer the engine refused (a ``runner.Problem``): the study's own
    message for it when it gives one (``text`` reads a study text in the participant's language), else the app's words."""
    if problem.message is not None:
        return text(problem.message)
    return word(problem.key, lang, **dict(problem.values))


def all_languages(key: str, languages: list[str], **values: dict[str, str]) -> dict[str, str]:
    """``key`` in each language, with ``values`` given per language."""
    return {lang: word(key, lang, **{k: v[lang] for k, v in values.items()}) for lang in languages}
