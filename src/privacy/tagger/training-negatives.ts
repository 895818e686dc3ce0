/**
 * Text without names or addresses for the tagger's training (training only, imports faker):
 * sentences that look like the text around personal data (headings, clinical measurements,
 * business and technical prose, capitalised words at the start of sentences and lines, products,
 * companies, places, dates, times, amounts), so that the tagger learns what is *not* a name or
 * an address. Hand-written sentences plus faker's phrases and words.
 */
import type { Faker } from '@faker-js/faker';

const EN = [
  'Shipment status',
  'Customer details',
  'Visit summary',
  'Action items',
  'Billing information',
  'Next steps',
  'Key findings',
  'The quarterly review showed steady growth in the Northern region.',
  'Revenue rose 12% year over year, churn fell to 3.1%.',
  'Please find attached the Q3 report and the updated budget.',
  'The server returns HTTP 502 after 30 s under load.',
  'Heart rate 88 bpm, BP 128/82, SpO2 97% on room air.',
  'Creatinine 1.1 mg/dL, potassium 4.2 mmol/L, glucose 6.8 mmol/L.',
  'Plan: CT chest, repeat troponin at 06:00, cardiology review.',
  'Discharged on day 4 with oral antibiotics for 7 days.',
  'The board approved the Capital Expenditure Plan on Tuesday.',
  'Version 3.12.4 fixes the Login Page crash on Android 14.',
  'Our Customer Success team will follow up within 2 business days.',
  'Meeting moved to Conference Room B, 3rd floor.',
  'Total due: $1,249.00, payable within 30 days.',
  'Order 100482933 shipped via UPS Ground, 2 parcels, 14 kg.',
  'Kind regards',
  'Best wishes',
  'Many thanks',
  'See you on Monday.',
  'Happy New Year to the whole Sales Team!',
  'Why does the Moon look bigger near the horizon?',
  'Explain the Treaty of Rome in simple terms.',
  'Translate this into Spanish, please.',
  'Write a Python function that sorts a list of dictionaries by date.',
  'What are the side effects of Ibuprofen 400 mg?',
  'The European Central Bank kept rates unchanged in March.',
  'The Eiffel Tower is 330 m tall.',
  'Tesla Model Y deliveries rose in Q2.',
  'New York Times bestseller list, week of June 12.',
  'Visit the Natural History Museum on Cromwell Road this weekend.',
  'Wall Street closed higher on Friday.',
  'Main Street businesses reopened after the storm.',
  'Section 4 lists the Risks and Mitigations.',
  'Follow-up in 6 weeks with a Chest X-Ray.',
  'Reference: PRJ-2024-0042, Phase II.',
  'Unit tests pass on Node 20 and Node 22.',
];

const FR = [
  'Objet de la demande',
  'Informations patient',
  'Compte rendu de consultation',
  'Points à traiter',
  'Coordonnées bancaires',
  'Pièces jointes',
  "Le comité de direction s'est réuni mardi pour examiner le budget 2025.",
  "Le chiffre d'affaires progresse de 3,5 % sur un an.",
  'Veuillez trouver ci-joint le rapport du troisième trimestre.',
  'Le serveur répond en 180 ms au 99e centile.',
  'TA 13/8, FC 72/min, SpO2 98 % en air ambiant.',
  'Créatinine 92 µmol/L, kaliémie 4,1 mmol/L, CRP < 5 mg/L.',
  'Conduite à tenir : scanner thoracique, troponine à H3, avis cardiologique.',
  'Sortie à J4 sous antibiothérapie orale pendant 7 jours.',
  "Le Conseil d'administration a validé le Plan de continuité.",
  'La version 3.12.4 corrige le plantage de la Page de connexion.',
  'Notre Service Clients vous recontactera sous 48 h.',
  'Réunion déplacée en Salle des Commissions, 2e étage.',
  'Montant TTC : 1 245,80 €, payable à 30 jours.',
  'Commande 2024-45-778 livrée le 12/04 en 3 colis.',
  'Bien cordialement',
  'Bonne journée',
  "Merci d'avance",
  'À lundi !',
  "Bonne année à toute l'Équipe Commerciale !",
  "Pourquoi la Lune paraît-elle plus grosse à l'horizon ?",
  'Explique le Traité de Rome simplement.',
  'Traduis ce texte en anglais.',
  'Écris une fonction Python qui trie une liste par date.',
  'Quels sont les effets secondaires du Doliprane 1000 mg ?',
  'La Banque Centrale Européenne a maintenu ses taux en mars.',
  'La Tour Eiffel mesure 330 m.',
  'Les ventes de la Renault Clio ont progressé.',
  'Le Musée du Louvre est fermé le mardi.',
  'La rue de la Paix sera piétonne le week-end.',
  'La place Bellecour accueille le marché de Noël.',
  'Contrôle dans 6 semaines avec une Radio Thoracique.',
  'Référence : PRJ-2024-0042, Phase II.',
  'Les tests passent sous Node 20.',
  'Le Président de la République a reçu les maires de France.',
  'Le Tour de France passe par les Alpes en juillet.',
];

const DAYS_EN = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday', 'weekdays', 'weekends'];
const DAYS_FR = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche', 'Lundi', 'Samedi'];

/** Times and dates in words and digits: "from 9am to 5pm on Saturdays", "le mardi 12 mars à 14 h 30". */
function timeSentence(f: Faker, lang: 'fr' | 'en'): string {
  const h = 1 + f.number.int(11);
  const day = f.helpers.arrayElement(lang === 'fr' ? DAYS_FR : DAYS_EN);
  const n = f.number.int(40);
  if (lang === 'fr') {
    return f.helpers.arrayElement([
      `Ouvert le ${day} de ${h} h à ${h + 8} h.`,
      `Le ${day} ${1 + (n % 28)} mars à ${h} h ${10 + n}, salle ${100 + n}.`,
      `Fermeture à ${h + 6} h le ${day} ; ${n} places disponibles.`,
      `Prochain passage le ${day} vers ${h} h 30.`,
    ]);
  }
  return f.helpers.arrayElement([
    `Open ${h}am to ${h + 4}pm on ${day}.`,
    `The shop shuts at ${h}pm on ${day}s; ${n} seats left.`,
    `Call back at ${h}:${10 + n} on ${day}, room ${100 + n}.`,
    `Deadline: ${day}, March ${1 + (n % 28)}, ${2020 + (n % 6)} at ${h}pm.`,
    `Runs every ${day} at ${h}am for ${n} minutes.`,
  ]);
}

/** Places and companies, which are capitalised like names: "our branch in Kulas-on-Lesch", "chez Durand SA". */
function placeSentence(f: Faker, lang: 'fr' | 'en'): string {
  const city = f.location.city();
  const other = f.location.city();
  const country = f.location.country();
  const company = f.company.name();
  if (lang === 'fr') {
    return f.helpers.arrayElement([
      `Notre site de ${city} rouvre en mars.`,
      `Vol ${city} – ${other} annulé.`,
      `${company} ouvre un bureau à ${city}.`,
      `Il a grandi à ${city}, en ${country}.`,
      `La succursale ${company} de ${city} est fermée.`,
      `Départ de ${city} à 8 h.`,
      `Météo à ${city} : 18 °C.`,
    ]);
  }
  return f.helpers.arrayElement([
    `Our branch in ${city} reopens in March.`,
    `Flight ${city} to ${other} is cancelled.`,
    `${company} opens an office in ${city}.`,
    `She grew up in ${city}, ${country}.`,
    `The ${company} store in ${city} is closed today.`,
    `Trains from ${city} run hourly.`,
    `Weather in ${city}: 64°F.`,
    `${f.commerce.productName()} ships from ${city}.`,
    `${company} acquired ${f.company.name()} for $${f.number.int(900)}M.`,
  ]);
}

/** A sentence or heading without personal data, in the text's language. */
export function negativeSentence(f: Faker, lang: 'fr' | 'en'): string {
  const r = f.number.int(124);
  if (r >= 110) return placeSentence(f, lang);
  if (r >= 100) return timeSentence(f, lang);
  if (r < 45) return f.helpers.arrayElement(lang === 'fr' ? FR : EN);
  if (r < 55) return `${f.company.catchPhrase()}.`;
  if (r < 62) return `${f.commerce.productName()} — ${f.commerce.department()}.`;
  if (r < 70) return f.hacker.phrase();
  if (r < 80) return `${capitalise(f.word.words({ count: { min: 3, max: 9 } }))}.`;
  if (r < 88) return `${f.commerce.productDescription()}`;
  if (r < 94) return `${capitalise(f.company.buzzPhrase())}.`;
  return `${f.word.words({ count: { min: 2, max: 6 } })}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
