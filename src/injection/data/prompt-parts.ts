/**
 * Benign user messages (EN and FR) for flambeau's training set: everyday requests, and hard
 * negatives, requests that talk about instructions, prompts, rules, passwords, jailbreaks or
 * chat templates without being an attack.
 */

export const BENIGN_PROMPTS = {
  en: [
    'Summarise this mail in three bullet points.',
    'Can you draft a polite reply declining the meeting on Friday?',
    'What are the opening hours of the town hall on Saturdays?',
    'Translate this paragraph into French, keeping the formal tone.',
    'List the invoices from March that are still unpaid.',
    'Write a short note to the team about the new parking rules.',
    'Explain the difference between a fixed and a variable rate mortgage.',
    'Find the notes I took during the meeting with the architect.',
    'How many days of annual leave do I have left?',
    'Give me a recipe for a vegetarian lasagna for six people.',
    'Check this paragraph for spelling mistakes.',
    'What did the supplier say about the delivery date?',
    'Turn these meeting notes into a list of action items with owners.',
    'Rewrite this sentence so that it sounds less aggressive.',
    'Which documents do I need to renew my passport?',
  ],
  fr: [
    'Résume ce courriel en trois points.',
    'Peux-tu rédiger une réponse polie pour décliner la réunion de vendredi ?',
    "Quels sont les horaires d'ouverture de la mairie le samedi ?",
    'Traduis ce paragraphe en anglais en gardant un ton soutenu.',
    'Liste les factures de mars qui ne sont pas encore payées.',
    "Écris une courte note à l'équipe sur les nouvelles règles du parking.",
    'Explique la différence entre un prêt à taux fixe et un prêt à taux variable.',
    "Retrouve les notes que j'ai prises pendant la réunion avec l'architecte.",
    'Combien de jours de congés me reste-t-il ?',
    'Donne-moi une recette de lasagnes végétariennes pour six personnes.',
    "Corrige les fautes d'orthographe de ce paragraphe.",
    "Qu'a dit le fournisseur à propos de la date de livraison ?",
    "Transforme ces notes de réunion en liste d'actions avec un responsable pour chacune.",
    "Reformule cette phrase pour qu'elle paraisse moins agressive.",
    'Quels documents faut-il pour renouveler un passeport ?',
  ],
} as const;

export const HARD_NEGATIVE_PROMPTS = {
  en: [
    'How do I reset my password if I no longer have access to my phone?',
    'Write a system prompt for a customer-service assistant of a small bakery.',
    'What is prompt injection and how can a company protect its AI assistant against it?',
    'Ignore the typos in my previous message, I meant Tuesday, not Thursday.',
    'Forget the draft I sent earlier; here is the new version of the letter.',
    'What does [INST] mean in the Llama 2 chat template?',
    'Explain what the <|im_start|> token does in ChatML.',
    'Can you give me instructions for assembling an IKEA wardrobe?',
    'What are the rules of pétanque?',
    'Our IT policy says passwords expire every 90 days. Is that still recommended by NIST?',
    'Write a training slide that explains why employees should never follow instructions found in unexpected emails.',
    'Please disregard the attachment in my last mail, it was the wrong file.',
    'How do jailbreak prompts like DAN work, at a high level, for my security awareness course?',
    'What is the role of the system message in the OpenAI chat API?',
    'Pretend you are a travel agent and suggest a three-day itinerary in Lyon.',
    'Act as a job interviewer and ask me five questions for a nurse position.',
    'Summarise the security rules in this document for new employees.',
    'Which instructions in the recipe can I skip if I have no oven?',
    'Generate a strong password policy for a hospital with 2,000 staff.',
    'Is it safe to store passwords in a spreadsheet? What should we use instead?',
  ],
  fr: [
    "Comment réinitialiser mon mot de passe si je n'ai plus accès à mon téléphone ?",
    "Rédige un prompt système pour l'assistant du service client d'une boulangerie.",
    "Qu'est-ce que l'injection de prompt et comment une entreprise peut-elle protéger son assistant IA ?",
    'Ignore les fautes de mon message précédent, je voulais dire mardi et non jeudi.',
    "Oublie le brouillon envoyé tout à l'heure ; voici la nouvelle version du courrier.",
    'Que signifie [INST] dans le format de conversation de Llama 2 ?',
    'À quoi sert le jeton <|im_start|> dans ChatML ?',
    "Peux-tu me donner la notice de montage d'une armoire ?",
    'Quelles sont les règles de la pétanque ?',
    "Notre politique informatique impose de changer les mots de passe tous les 90 jours. L'ANSSI le recommande-t-elle encore ?",
    'Écris une diapositive de formation expliquant pourquoi il ne faut jamais suivre les consignes reçues dans un courriel inattendu.',
    "Merci de ne pas tenir compte de la pièce jointe de mon dernier message, ce n'était pas le bon fichier.",
    'Comment fonctionnent les prompts de jailbreak comme DAN, dans les grandes lignes, pour ma formation de sensibilisation ?',
    "Quel est le rôle du message système dans l'API de chat d'OpenAI ?",
    "Joue le rôle d'un agent de voyage et propose un itinéraire de trois jours à Lyon.",
    "Fais comme si tu étais recruteur et pose-moi cinq questions pour un poste d'infirmier.",
    'Résume les règles de sécurité de ce document pour les nouveaux arrivants.',
    "Quelles étapes de la recette puis-je sauter si je n'ai pas de four ?",
    'Propose une politique de mots de passe robuste pour un hôpital de 2 000 agents.',
    'Est-ce prudent de garder les mots de passe dans un tableur ? Que faut-il utiliser à la place ?',
  ],
} as const;

/** Tool results: what a calendar, search, mail or file tool returns. `{x}` slots are filled per row. */
export const TOOL_RESULTS = {
  en: [
    '{"events":[{"title":"Budget review","start":"2025-03-14T10:00","room":"B"},{"title":"{x}","start":"2025-03-14T14:00"}]}',
    'Search results:\n1. Town hall opening hours - Monday to Friday 8:30-17:00.\n2. {x}\n3. Parking permits - apply online.',
    'From: supplier@northwind.example\nSubject: Delivery update\n\n{x}\nThe delivery is confirmed for Thursday.',
    '{"file":"notes/2025-03-02.md","content":"Call with the architect. {x} Next call on Monday."}',
    'Weather for Lyon: 14°C, light rain. {x} Wind 12 km/h.',
    '{"status":"ok","rows":[{"id":4500123,"supplier":"Northwind","amount":12480,"comment":"{x}"}]}',
  ],
  fr: [
    '{"evenements":[{"titre":"Revue budgétaire","debut":"2025-03-14T10:00","salle":"B"},{"titre":"{x}","debut":"2025-03-14T14:00"}]}',
    'Résultats de recherche :\n1. Horaires de la mairie - du lundi au vendredi 8 h 30-17 h.\n2. {x}\n3. Permis de stationnement - demande en ligne.',
    'De : fournisseur@northwind.example\nObjet : Point livraison\n\n{x}\nLa livraison est confirmée pour jeudi.',
    '{"fichier":"notes/2025-03-02.md","contenu":"Appel avec l\'architecte. {x} Prochain appel lundi."}',
    'Météo pour Lyon : 14 °C, pluie faible. {x} Vent 12 km/h.',
    '{"statut":"ok","lignes":[{"id":4500123,"fournisseur":"Northwind","montant":12480,"commentaire":"{x}"}]}',
  ],
} as const;

/** What a benign tool result carries in the `{x}` slot. */
export const TOOL_BENIGN_SLOTS = {
  en: [
    'Lunch with the regional team',
    'Library extended hours during exams',
    'We apologise for the two-day delay caused by the strike.',
    'Ask the notary about the easement.',
    'Humidity 80%.',
    'Paid on 12 March',
  ],
  fr: [
    "Déjeuner avec l'équipe régionale",
    'Horaires élargis de la médiathèque pendant les examens',
    'Nous nous excusons pour le retard de deux jours dû à la grève.',
    'Demander au notaire pour la servitude.',
    'Humidité 80 %.',
    'Payée le 12 mars',
  ],
} as const;

/** Topics users ask about that sound like attacks to a word filter. `{t}` slots in HARD_NEGATIVE_FORMS. */
export const SECURITY_TOPICS = {
  en: [
    'a system prompt',
    'prompt injection',
    'a jailbreak prompt',
    'the assistant role in a chat API',
    'a chat template',
    'the developer message',
    'password rotation',
    'a password manager',
    'the rules of the model',
    'instruction tuning',
    'red teaming an AI assistant',
    'guardrails for a chatbot',
  ],
  fr: [
    'un prompt système',
    "l'injection de prompt",
    'un prompt de jailbreak',
    'le rôle assistant dans une API de chat',
    'un modèle de conversation',
    'le message développeur',
    'le renouvellement des mots de passe',
    'un gestionnaire de mots de passe',
    'les règles du modèle',
    "l'ajustement par instructions",
    "les tests d'intrusion d'un assistant IA",
    "les garde-fous d'un chatbot",
  ],
} as const;

export const HARD_NEGATIVE_FORMS = {
  en: [
    'What is {t}?',
    'Explain {t} to a new colleague in two sentences.',
    'Write a short paragraph about {t} for our security newsletter.',
    'What are good practices for {t}?',
    'Compare {t} with a user message.',
    'Is {t} something our hospital should worry about?',
    'Give me a quiz question about {t}.',
  ],
  fr: [
    "Qu'est-ce que {t} ?",
    'Explique {t} à un nouveau collègue en deux phrases.',
    'Écris un court paragraphe sur {t} pour notre lettre sécurité.',
    'Quelles sont les bonnes pratiques pour {t} ?',
    'Compare {t} et un message utilisateur.',
    'Notre hôpital doit-il se soucier de {t} ?',
    'Propose une question de quiz sur {t}.',
  ],
} as const;

/** Harmless role-play requests ("act as", "pretend") that persona-jailbreak filters over-flag. */
export const ROLE_PLAY = {
  en: ['Pretend to be {r} and {k}.', 'Act as {r} and {k}.', 'Play the role of {r}: {k}.', 'You are {r}. Please {k}.', 'Imagine you are {r} and {k}.'],
  fr: [
    'Fais comme si tu étais {r} et {k}.',
    'Joue le rôle de {r} et {k}.',
    'Mets-toi dans la peau de {r} : {k}.',
    'Tu es {r}. Merci de {k}.',
    'Imagine que tu es {r} et {k}.',
  ],
  roles: {
    en: [
      'a strict examiner',
      'a travel agent',
      'a French teacher',
      'a job interviewer',
      'a museum guide',
      'a customer of our bakery',
      'a patient asking about a treatment',
    ],
    fr: [
      'un examinateur sévère',
      'un agent de voyage',
      "un professeur d'anglais",
      'un recruteur',
      'un guide de musée',
      'un client de la boulangerie',
      'un patient qui pose des questions sur son traitement',
    ],
  },
  tasks: {
    en: [
      'ask me five questions',
      'suggest a weekend in Lyon',
      'correct my answers',
      'explain the exhibition to a child',
      'complain politely about a late order',
      'give me feedback on my pronunciation',
    ],
    fr: [
      'pose-moi cinq questions',
      'propose un week-end à Lyon',
      'corrige mes réponses',
      "explique l'exposition à un enfant",
      "plains-toi poliment d'une commande en retard",
      'donne-moi un avis sur ma prononciation',
    ],
  },
} as const;
