/**
 * Capitalised words that are not person names, for the PERSON detector: sentence-start function
 * words, greetings, months and days, countries, cities, regions, brands, institutions and job
 * words (FR and EN). A word here never starts a name and never serves as a surname. Data only.
 */
export const CAPITALISED_NON_NAMES = `
Le La Les L Un Une Des Du De D Au Aux Ce Cet Cette Ces Ceci Cela Ça Mon Ma Mes Ton Ta Tes Son Sa Ses Notre Nos Votre
Vos Leur Leurs Je J Tu Il Elle On Nous Vous Ils Elles Qui Que Quoi Quand Comment Pourquoi Où Si Mais Ou Et Donc Or Ni
Car Puis Alors Ensuite Enfin Aussi Ainsi Toutefois Cependant Pourtant Néanmoins Bien Très Plus Moins Tout Toute Tous
Toutes Chaque Aucun Aucune Rien Personne Quelques Plusieurs Certains Certaines Autre Autres Même Encore Déjà Jamais
Toujours Souvent Parfois Merci Bonjour Bonsoir Salut Cordialement Bien Amicalement Madame Monsieur Mademoiselle
Mesdames Messieurs Cher Chère Chers Chères Objet Réf Référence Date Lieu Pièce Pièces Jointe Jointes Note Notes
Pour Par Avec Sans Sous Sur Dans Entre Vers Chez Selon Depuis Pendant Avant Après Contre Malgré Voici Voilà Oui Non
Est Sont Était Sera Suite Concernant Veuillez Pouvez Pourriez Merci Bravo Attention Important Urgent Rappel
The A An This That These Those It Its I We You He She They Them Our Your Their His Her My Me Us Him Who What When Where
Why How If But Or And So Then Also Thus However Therefore Yet Still Just Only Even Very More Most Less All Every Each
Any Some Many Much Few Several Other Another Such No Not Yes Hello Hi Hey Dear Thanks Thank Regards Best Kind Sincerely
Cheers Please Sorry Welcome Congratulations Subject Re Fwd From To Cc Bcc Sent Date Attached Attachment Note Notes For
With Without By At In On Of Into Onto Over Under About After Before Between During Since Until Upon Via Per Here There
Is Are Was Were Be Been Being Has Have Had Do Does Did Can Could Will Would Shall Should May Might Must Let Get Got
Please Today Tomorrow Yesterday Tonight Morning Evening Afternoon Night Week Weekend Month Year Day Time
Janvier Février Mars Avril Mai Juin Juillet Août Septembre Octobre Novembre Décembre Lundi Mardi Mercredi Jeudi
Vendredi Samedi Dimanche January February March April May June July August September October November December
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Noël Pâques Toussaint Christmas Easter Halloween Thanksgiving
France Belgique Suisse Luxembourg Monaco Canada Québec Allemagne Espagne Italie Portugal Royaume-Uni Angleterre Irlande
Écosse Pays-Bas Autriche Pologne Grèce Suède Norvège Danemark Finlande Maroc Algérie Tunisie Sénégal Chine Japon Inde
Russie Brésil Mexique États-Unis Amérique Europe Afrique Asie Océanie Germany Spain Italy Portugal England Ireland
Scotland Wales Britain Netherlands Austria Poland Greece Sweden Norway Denmark Finland Morocco Algeria China Japan India
Russia Brazil Mexico America Europe Africa Asia Australia Switzerland Belgium French English German Spanish Italian
Français Française Anglais Allemand Européen Européenne American British European Paris Lyon Marseille Toulouse Nice
Nantes Strasbourg Montpellier Bordeaux Lille Rennes Reims Toulon Grenoble Dijon Angers Nîmes Villeurbanne Clermont-Ferrand
Aix-en-Provence Brest Tours Amiens Limoges Annecy Perpignan Metz Besançon Orléans Rouen Mulhouse Caen Argenteuil
Versailles Boulogne-Billancourt Saint-Denis Montreuil Avignon Poitiers Pau Calais Cannes Antibes Ajaccio Bastia
Bruxelles Genève Lausanne Zurich Bâle Liège Namur Montréal Londres London Berlin Madrid Rome Milan Lisbon Lisbonne
Amsterdam Vienna Vienne Prague Dublin Edinburgh Manchester Liverpool Birmingham Leeds Bristol Oxford Cambridge Glasgow
Cardiff Belfast York Boston Chicago Houston Phoenix Philadelphia Seattle Denver Atlanta Miami Detroit Portland
Angeles Tokyo Beijing Shanghai Sydney Melbourne Toronto Vancouver Ottawa New Los Las San Saint Sainte
Île-de-France Bretagne Normandie Provence Alsace Occitanie Aquitaine Bourgogne Corse Savoie Auvergne Picardie
California Texas Florida Ohio Michigan Illinois Washington Oregon Nevada Arizona Colorado Massachusetts
Google Microsoft Apple Amazon Meta Facebook Instagram Twitter LinkedIn WhatsApp Netflix Spotify Uber Airbnb Tesla IBM
Oracle Intel Nvidia Samsung Sony Adobe Salesforce Slack Zoom Teams Outlook Gmail Excel Word PowerPoint Windows Linux
Android iPhone Orange Free SFR Bouygues Renault Peugeot Citroën Airbus Total TotalEnergies Danone Carrefour
Auchan Michelin Sanofi Thales Safran Dassault Capgemini Atos Decathlon Fnac Darty Ikea SNCF RATP EDF Engie Veolia
Mistral OpenAI Anthropic ChatGPT GPT Gemini Llama Visa Mastercard PayPal Stripe Revolut Qonto BNP Paribas
Société Générale Crédit Agricole Mutuel Caisse Épargne Banque Postale LCL HSBC Barclays Lloyds Chase Citi Wells Fargo
Hôpital Hospital Clinique Clinic Centre Center Service Services Direction Département Department Ministère Ministry
Mairie Préfecture Université University École School College Lycée Institut Institute Agence Agency Tribunal Court
Cour Conseil Council Comité Committee Assemblée Sénat Senate Parlement Parliament Gouvernement Government République
Republic État State Région Ville City Commune Université Faculté Laboratoire Laboratory Pharmacie Pharmacy Urgences
Cardiologie Radiologie Neurologie Pédiatrie Oncologie Médecine Chirurgie Ressources Humaines Comptabilité Finance
Marketing Support Sales Ventes Équipe Team Projet Project Client Clients Customer Customers Patient Patiente Docteur
Doctor Professeur Professor Directeur Directrice Director Manager Président Présidente President Chef Responsable
Ingénieur Engineer Avocat Lawyer Notaire Maître Infirmier Infirmière Nurse Secrétaire Secretary Assistant Assistante
Senior Junior Analyst Analyste Consultant Consultante Developer Développeur Développeuse Architect Architecte Officer
Coordinator Coordinateur Coordinatrice Specialist Spécialiste Technician Technicien Technicienne Intern Stagiaire
Compte Account Carte Card Virement Transfer Facture Invoice Commande Order Contrat Contract Dossier File Rapport Report
Mot Code Clé Key Token Password Email Mail Courriel Téléphone Phone Mobile Adresse Address Rue Street Avenue Boulevard
Place Route Road Lane Drive Square Nord Sud Est Ouest North South East West Central Général General Grand Grande
Petit Petite Nouveau Nouvelle Vieux Haute Haut Bas Basse Premier Première First Second Third Last Next New Old Big
Small Great Good Bad High Low Long Short Full Open Close Closed Total Final Annual Monthly Daily Public Private
Internet Web API HTTP HTTPS JSON SQL URL PDF CSV HTML CSS JavaScript TypeScript Python Java Rust Go Node Docker
Kubernetes AWS Azure GCP GitHub GitLab README TODO FIXME NB PS Ps Cf Etc OK Ok Okay Oui Yes No None Null True False
Error Warning Info Debug Version Release Update Status Statut Bug Issue Ticket Incident Question Réponse Answer Problem
Problème Solution Résumé Summary Conclusion Introduction Contexte Context Description Détails Details Exemple Example
Article Section Chapitre Chapter Annexe Appendix Figure Table Tableau Page Ligne Line Point Points Étape Step Option
DOB MRN SSN NIR IBAN BIC RIB TTC HT TVA VAT CEO CTO CFO DRH RH HR IT PO ID Ref Tel Tél Fax Mob Cedex
Jeanne d'Arc Dieu God Lord Seigneur Notre-Dame Vatican Bible Coran
Confrère Confrères Consœur Consœurs Consoeur Consoeurs Collègue Collègues Collaborateur Collaboratrice Collaborateurs
Partenaire Partenaires Adhérent Adhérente Adhérents Abonné Abonnée Abonnés Membre Membres Lecteur Lectrice Lecteurs
Utilisateur Utilisatrice Utilisateurs Voisin Voisine Voisins Famille Colleague Colleagues Friend Friends Member Members
Partner Partners Reader Readers User Users Madam Sirs Valued
Apt Apts Apartment Appt Appart Appartement Unit Flat Floor Fl Bldg Building Bâtiment Bât Bat Étage Escalier Esc Porte
PSC CMR Box BP CS Lot Lotissement Résidence Residence Suite Ste Room Rm Dept Office Bureau Box
`;

/**
 * Lower-case words right before a name that make it the name of a place, a room or an award
 * ("salle Victor Hugo", "lycée Jean Moulin", "prix Albert Londres"), not a person of the text.
 */
export const PLACE_NOUNS_BEFORE = `
salle salles amphi amphithéâtre auditorium hall rue avenue boulevard place quai allée impasse square cours chemin
lycée collège école groupe campus faculté université institut fondation hôpital clinique centre maison résidence
bâtiment stade gymnase piscine médiathèque bibliothèque musée théâtre cinéma gare station métro aéroport pont parc
jardin espace prix promotion
`;

/**
 * Capitalised words right after a name that make it the name of a place or an institution
 * ("Johns Hopkins Hospital", "Jean Moulin Lycée"). Only words that are not surnames too.
 */
export const PLACE_NOUNS_AFTER = `
Hospital Hôpital School College University Université Lycée Collège Airport Aéroport Station Stadium Stade Museum
Musée Library Cathedral Cathédrale Church Église Institute Institut Foundation Fondation Clinic Clinique Memorial
Center Centre Prize Award Avenue Street Boulevard Road
`;

/**
 * First names that are also ordinary words, brands or places ("Will", "May", "Rose", "Pierre" as a
 * stone, "Florence"): a name only with a title, a cue word or a following surname.
 */
export const AMBIGUOUS_FIRST_NAMES = `
Will May June April August Mark Bill Rose Grace Hope Faith Joy Art Guy Frank Dean Gene Sky Summer Autumn Amber Ruby
Jade Olive Violet Iris Daisy Lily Holly Ivy Pearl Crystal Brook Brooke Dawn Carol Sterling Chase Hunter Mason Cooper
Parker Taylor Jordan Austin Dallas Florence Lorraine Victoria Georgia Virginia Paris Sydney Madison Aurore Claire
France Constance Prudence Patience Aimé Désiré Blanche Marine Océane Ange Pascal Max Page Sage Lou Tom Don Ray Jay Sue
Kay Jan Lee Kim Jo Pat Rob Nick Bob Drew Lane Chance Miles Cliff Glen Heath Reed Rich Sandy Rusty Buck Colt Wade Bud
Angel Eve Ève Jean Laurence Lorraine Charlotte Nancy Tours Lyon Nice Orange Victor Martin Marin Prosper Noël Désirée
Constant Fidèle Clément Vincent Félicité Espérance Tiffany Stella Luna Nova Mercedes Harley Porsche Ford Lincoln Kennedy
Hudson Winston Trinity Destiny Justice Harmony Melody Serenity Royal Marquis Baron Duke Earl King Prince Princess
Precious Honey Candy Cherry Ginger Raven Robin Wren Jasper Flint Stone River Forest Storm Rain Snow Winter Spring
Alma Hugo Said Li Wei Yan Ming Jing Xin Hyun Jae Minh Linh Thanh Ama Chance Bella Claude Valentine
Flore Prune Cerise Capucine Brune Victoire Mélodie Solange Céleste Ambre Perle Reine
Brittany Britanny Chelsea Savannah Adelaide Lourdes Regina Carolina Devon Kent Alexandria Orlando Valencia Siena
Verona Vienna Lorena Dakota Montana Cheyenne Phoenix Aspen Denver Houston Aurora
`;
