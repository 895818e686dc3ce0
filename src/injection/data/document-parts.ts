/**
 * Paragraphs of ordinary documents (mails, meeting notes, procedures, reports), EN and FR, written
 * for flambeau's training set. generate-own-rows.ts strings them into long benign documents, and
 * plants one attack sentence in a copy of some of them: the model must learn the planted sentence,
 * not the document around it, nor its length.
 */

export const GREETINGS = {
  en: ['Hi Claire,', 'Dear Mr Thompson,', 'Hello team,', 'Good morning everyone,', 'Hi all,', 'Dear colleagues,'],
  fr: ['Bonjour Claire,', 'Madame, Monsieur,', 'Bonjour à tous,', 'Chère collègue,', 'Salut Marc,', "Bonjour l'équipe,"],
} as const;

export const SIGNATURES = {
  en: ['Best regards,\nJames Carter\nProcurement, Northwind Ltd', 'Thanks,\nPriya', 'Kind regards,\nThe Facilities team', 'Cheers,\nTom\nSent from my phone'],
  fr: [
    'Bien cordialement,\nSophie Lambert\nService achats',
    "Merci d'avance,\nJulien",
    'Cordialement,\nLe secrétariat de la mairie',
    'Belle journée,\nNadia\nEnvoyé depuis mon téléphone',
  ],
} as const;

export const PARAGRAPHS = {
  en: [
    'Please find attached the invoice for the March delivery. The amount is due within 30 days of receipt, as agreed in our framework contract.',
    'As discussed on Tuesday, the quarterly review is moved to Thursday 14 March at 10:00 in meeting room B. The agenda is unchanged.',
    'The new badge readers will be installed on the second floor next week. Staff should keep their old badges until they receive the new ones.',
    'Following the audit, we need to update the access rights of the shared finance folder. Only the accounting team should keep write access.',
    'The patient was discharged on Friday with a prescription for ten days of antibiotics. A follow-up appointment is planned in two weeks.',
    'Our records show that the last maintenance of the boiler was in October. The next one should be scheduled before the winter.',
    'The draft report is ready for your comments. Sections 3 and 4 still need figures from the regional offices, which should arrive on Monday.',
    'The server room will be closed on Saturday from 8:00 to 14:00 for the replacement of the air conditioning units.',
    'I have reviewed the contract and I only have two remarks, both on the termination clause. See my comments in the margin.',
    'The training session on the new expense tool takes place on 3 April. Registration is open until the end of the month.',
    'Minutes of the meeting: attendance 12 people; decisions: budget approved, recruitment of one analyst, next meeting in June.',
    'The library will extend its opening hours during the exam period: from 8:00 to 22:00 on weekdays.',
    'Step 1: unplug the device. Step 2: remove the back cover with a Phillips screwdriver. Step 3: replace the battery and close the cover.',
    'The quarterly sales grew by 4% compared with last year, mainly driven by the northern region and the new online catalogue.',
    'Reminder: the building will be evacuated for the fire drill on Wednesday at 11:00. Please follow the instructions of the floor wardens.',
    'We received your application for the housing allowance. The file is complete and will be examined by the committee in May.',
    'The shipment left our warehouse this morning. The tracking number is 1Z 999 AA1 01 2345 6784 and delivery is expected on Thursday.',
    'Could you confirm whether the purchase order 4500123 covers the spare parts as well, or only the machines?',
    'The VPN client must be updated to version 5.2 before Friday. The update is available in the software centre.',
    'Thank you for your feedback on the pilot. We will take your remarks into account in the next version of the procedure.',
  ],
  fr: [
    'Veuillez trouver ci-joint la facture de la livraison de mars. Le montant est payable sous 30 jours à réception, conformément au contrat-cadre.',
    "Comme convenu mardi, la revue trimestrielle est décalée au jeudi 14 mars à 10 h en salle B. L'ordre du jour reste inchangé.",
    "Les nouveaux lecteurs de badges seront installés au deuxième étage la semaine prochaine. Gardez vos anciens badges jusqu'à réception des nouveaux.",
    "Suite à l'audit, il faut mettre à jour les droits d'accès du dossier partagé de la comptabilité. Seule l'équipe comptable garde l'écriture.",
    "Le patient est sorti vendredi avec une ordonnance d'antibiotiques pour dix jours. Un rendez-vous de contrôle est prévu dans deux semaines.",
    "D'après nos registres, le dernier entretien de la chaudière date d'octobre. Le prochain doit être programmé avant l'hiver.",
    'Le projet de rapport est prêt pour relecture. Les parties 3 et 4 attendent encore les chiffres des antennes régionales, attendus lundi.',
    'La salle serveurs sera fermée samedi de 8 h à 14 h pour le remplacement des climatiseurs.',
    "J'ai relu le contrat et je n'ai que deux remarques, toutes deux sur la clause de résiliation. Voir mes commentaires en marge.",
    "La formation au nouvel outil de notes de frais aura lieu le 3 avril. Les inscriptions sont ouvertes jusqu'à la fin du mois.",
    "Compte rendu de la réunion : 12 présents ; décisions : budget voté, recrutement d'un chargé d'études, prochaine réunion en juin.",
    'La médiathèque élargit ses horaires pendant les examens : de 8 h à 22 h en semaine.',
    "Étape 1 : débranchez l'appareil. Étape 2 : retirez le capot arrière avec un tournevis cruciforme. Étape 3 : changez la pile et refermez.",
    "Le chiffre d'affaires du trimestre progresse de 4 % sur un an, porté par la région Nord et le nouveau catalogue en ligne.",
    "Rappel : exercice d'évacuation incendie mercredi à 11 h. Merci de suivre les consignes des guides et serre-files.",
    "Nous avons bien reçu votre demande d'aide au logement. Le dossier est complet et sera examiné par la commission en mai.",
    'Le colis a quitté notre entrepôt ce matin. Le numéro de suivi est 6A 123 456 789 01 et la livraison est prévue jeudi.',
    'Pouvez-vous confirmer si le bon de commande 4500123 couvre aussi les pièces détachées, ou seulement les machines ?',
    'Le client VPN doit être mis à jour en version 5.2 avant vendredi. La mise à jour est disponible dans le centre logiciel.',
    "Merci pour vos retours sur l'expérimentation. Nous en tiendrons compte dans la prochaine version de la procédure.",
  ],
} as const;

/**
 * Long benign passages that talk about instructions, rules, prompts and passwords: procedures,
 * security notices, documentation. The false positives of rules-only filters are made of these.
 */
export const INSTRUCTION_TALK_PARAGRAPHS = {
  en: [
    'Password policy: passwords must be at least 12 characters long and changed every 180 days. Never share your password, not even with the IT department; we will never ask for it by mail.',
    'If you receive a message asking you to ignore the usual payment procedure, do not act on it: call the supplier on the number in our records, not the one in the message.',
    'These instructions replace the version of January. Please ignore the previous leaflet, which contained an error in the dosage table.',
    'Prompt engineering guide: a good system prompt states the role of the assistant, the tone, and the rules it must follow. Test your prompts with real examples before deploying them.',
    'Security awareness: attackers hide instructions in documents so that AI assistants follow them. This is called prompt injection. Report any suspicious document to the security team.',
    'To reset your password, open the self-service portal, click "Forgot password" and follow the instructions sent to your professional address.',
    'The assembly instructions are in the box. If a part is missing, ignore step 6 and contact customer service with the reference of the kit.',
    "Rules of the competition: one entry per person; entries received after the deadline are disregarded; the jury's decision is final.",
    'When the alarm sounds, forget about your belongings and leave the building by the nearest exit. Do not use the lifts.',
    'In git, "git rebase -i" lets you drop or reorder previous commits. Use it with care on shared branches and follow the team\'s rules for force pushes.',
    'The model card explains how the assistant was trained, its system prompt, and the instructions it follows when it refuses a request.',
    "Override procedure: only the shift supervisor may override the machine's safety stop, after filling in form S-12 and informing the maintenance team.",
    "Access control policy, section 4: administrator accounts are personal and must never be shared. An administrator may override a user's settings only at the user's written request or on the instruction of the data protection officer.",
    "Parking regulation, article 7: vehicles left more than seven days on a municipal car park may be removed at the owner's expense. The decision of the municipal police is final; appeals go to the administrative court.",
    'Chatbot deployment checklist: write the system prompt, list the topics the assistant must refuse, test it against jailbreak attempts, log every conversation for thirty days, and review the refusals every month.',
    'Troubleshooting: if the printer ignores your settings, reset it to factory defaults (hold the power button for ten seconds), then reinstall the driver. Previous print jobs will be lost.',
    'The clinical protocol must be followed strictly. Deviations from the instructions, such as a skipped dose or a change of timing, must be recorded in the patient file and reported to the investigator.',
    "Guidance for reviewers: disregard any section of the proposal that exceeds the page limit. Your scores must follow the rules of the call; do not take the applicant's previous funding into account.",
    'Our acceptable-use rules forbid sharing passwords, installing unapproved software and forwarding internal documents to personal addresses. Breaches are reported to the security officer.',
    'The user manual describes three modes: standard, eco and expert. In expert mode, the safety limits can be overridden by a qualified technician only; the instructions for this are in appendix C.',
  ],
  fr: [
    'Politique des mots de passe : au moins 12 caractères, renouvelés tous les 180 jours. Ne communiquez jamais votre mot de passe, pas même à la DSI : nous ne le demanderons jamais par courriel.',
    "Si vous recevez un message vous demandant d'ignorer la procédure de paiement habituelle, n'y donnez pas suite : appelez le fournisseur au numéro connu, pas à celui du message.",
    "Ces consignes remplacent la version de janvier. Merci d'ignorer la notice précédente, qui contenait une erreur dans le tableau des posologies.",
    "Guide de rédaction des prompts : un bon prompt système précise le rôle de l'assistant, le ton et les règles à suivre. Testez vos prompts sur des exemples réels avant de les déployer.",
    "Sensibilisation : des attaquants cachent des instructions dans des documents pour que les assistants IA les exécutent. C'est l'injection de prompt. Signalez tout document suspect au RSSI.",
    'Pour réinitialiser votre mot de passe, ouvrez le portail libre-service, cliquez sur « Mot de passe oublié » et suivez les instructions envoyées à votre adresse professionnelle.',
    "La notice de montage est dans le carton. S'il manque une pièce, ignorez l'étape 6 et contactez le service client avec la référence du kit.",
    'Règlement du concours : une participation par personne ; les envois reçus après la date limite ne sont pas pris en compte ; la décision du jury est sans appel.',
    "Quand l'alarme retentit, oubliez vos affaires et sortez par l'issue la plus proche. N'utilisez pas les ascenseurs.",
    "Avec git, « git rebase -i » permet de supprimer ou réordonner les commits précédents. À utiliser avec prudence sur les branches partagées, selon les règles de l'équipe.",
    "La fiche du modèle explique comment l'assistant a été entraîné, son prompt système et les consignes qu'il suit quand il refuse une demande.",
    "Procédure de dérogation : seul le chef d'équipe peut lever l'arrêt de sécurité de la machine, après avoir rempli le formulaire S-12 et prévenu la maintenance.",
    "Politique de contrôle d'accès, article 4 : les comptes administrateurs sont nominatifs et ne doivent jamais être partagés. Un administrateur ne peut modifier les réglages d'un agent qu'à sa demande écrite ou sur instruction du délégué à la protection des données.",
    "Règlement du stationnement, article 7 : un véhicule laissé plus de sept jours sur un parking municipal peut être enlevé aux frais du propriétaire. La décision de la police municipale s'impose ; les recours relèvent du tribunal administratif.",
    'Liste de contrôle avant de déployer un chatbot : rédiger le prompt système, lister les sujets à refuser, le tester contre des tentatives de contournement, conserver les échanges trente jours, relire les refus chaque mois.',
    "Dépannage : si l'imprimante ignore vos réglages, rétablissez les paramètres d'usine (maintenez le bouton d'alimentation dix secondes), puis réinstallez le pilote. Les impressions en attente seront perdues.",
    "Le protocole clinique doit être suivi strictement. Tout écart aux consignes, comme une prise oubliée ou un horaire modifié, est noté dans le dossier du patient et signalé à l'investigateur.",
    "Consignes aux rapporteurs : ne tenez pas compte des parties du dossier qui dépassent le nombre de pages autorisé. Les notes suivent le règlement de l'appel ; les financements antérieurs du candidat n'entrent pas en ligne de compte.",
    "La charte informatique interdit de partager ses mots de passe, d'installer des logiciels non validés et de transférer des documents internes vers une adresse personnelle. Les manquements sont signalés au RSSI.",
    'Le manuel décrit trois modes : standard, éco et expert. En mode expert, seules les personnes habilitées peuvent lever les limites de sécurité ; la marche à suivre figure en annexe C.',
  ],
} as const;
