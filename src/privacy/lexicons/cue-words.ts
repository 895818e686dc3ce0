/**
 * Cue words of the name and address tagger: street, box and unit words, street suffixes that
 * are also ordinary words, and lower-case words after which a name comes. Pure data, looked up
 * case- and accent-blind in the one table the PERSON detector and the tagger share (see
 * person-lexicon.ts): one table in the CPU caches instead of two.
 */

/**
 * Words that announce or build an address, in any case and accent ("rue", "Straße", "ul.",
 * "Box"): one lexicon bit among the features, so that the tagger knows a street word it has
 * seen few times. The tagger learns the rest from the words themselves and their endings.
 */
export const ADDRESS_WORDS = `rue avenue av boulevard bd bld allée allee chemin impasse quai place pl route rte cours square
  passage voie faubourg fbg esplanade promenade parvis sentier hameau lotissement résidence cité villa ruelle lieu-dit
  domaine clos zi za zac street st road rd lane ln drive dr court ct way close crescent parkway highway hwy circle terrace
  grove gardens mews plaza alley trail row blvd ave apt apartment appt appartement suite unit flat floor fl bldg building
  bâtiment bât bat étage escalier box po psc cmr apo fpo dpo bp cs cedex postfach straße strasse str gasse weg platz
  allee ring damm ufer chaussee steig pfad markt laan straat plein gracht kade singel dijk steeg dreef via viale piazza
  corso largo vicolo strada contrada borgo piazzale incrocio rotonda salita lungomare traversa galleria calle avenida
  paseo camino carretera ronda travesía glorieta callejón aldea urbanización barrio pasaje rambla arrabal polígono
  cuesta carrer rua travessa praça alameda beco calçada praceta viela quinta bairro rotunda caminho estrada loteamento
  bulevardul calea aleea piața intrarea șoseaua splaiul ulica ul aleja al plac osiedle os rondo skwer bulwar ulice
  náměstí nám třída nábřeží utca út tér körút köz sor fasor cesta trg put gatan vägen gata väg gränd torget vej gade
  vei gate plass katu tie kuja polku iela bloc bl sc ap`;

/**
 * Street suffixes of English-speaking countries (the US Postal Service's list, the commonest
 * ones) that are also ordinary words or first names ("Manuela Pine", "Anastasia Drives", "Cleta
 * Views"): a weaker bit than ADDRESS_WORD, a feature only; an address needs a number besides.
 */
export const STREET_SUFFIXES = `alley annex arcade bayou beach bend bluff bluffs bottom branch bridge brook brooks burg burgs bypass
  camp canyon cape causeway center centers circles cliff cliffs club common commons corner corners course courts cove coves
  creek crest crossing crossroad curve dale dam divide drives estate estates expressway extension extensions fall falls ferry
  field fields flat flats ford fords forest forge forges fork forks fort freeway garden gateway glen glens green greens
  groves harbor harbors haven heights hill hills hollow inlet island islands isle junction junctions key keys knoll knolls
  lake lakes land landing light lights loaf lock locks lodge loop mall manor manors meadow meadows mill mills mission
  motorway mount mountain mountains neck orchard oval overpass park parks parkways pass path pike pine pines plain plains
  point points port ports prairie radial ramp ranch rapid rapids rest ridge ridges river roads route run shoal shoals shore
  shores skyway spring springs spur spurs squares station stravenue stream streets summit throughway trace track
  trafficway trailer tunnel turnpike underpass union unions valley valleys viaduct view views village villages ville vista
  walk walks wall ways well wells`;

/**
 * Lower-case words after which a name often comes, without a capital in chat ("c'est lucas",
 * "my grandma rosemary", "chez dupont"): a lexicon bit, and the tagger looks further after them.
 * Not "né": lookups are accent-blind, and "ne" is the commonest French negation.
 */
export const NAME_CUES = `chez appelle m'appelle appelé appelée name named called c'est moi dear cher chère grandma grandpa grand-mère
  grand-père mamie papi mamy papy soeur sœur frère brother sister mother father mère père mom mum dad maman papa fils
  fille son daughter wife husband femme mari épouse époux friend ami amie copain copine voisin voisine neighbour
  neighbor collègue colleague boss patron signé signed née from cc attn`;

/** Lexicon bits of the cue words, above the PERSON detector's bits (see person-lexicon.ts). */
export const ADDRESS_WORD = 1 << 20;
export const NAME_CUE = 1 << 21;
export const STREET_SUFFIX = 1 << 22;
export const CUE_BITS = ADDRESS_WORD | NAME_CUE | STREET_SUFFIX;

/** The cue words and their bits (a word that is a street word keeps that bit before being a suffix). */
export function cueEntries(): Map<string, number> {
  const words = new Map<string, number>();
  for (const w of ADDRESS_WORDS.split(/\s+/)) if (w.length > 0) words.set(w, ADDRESS_WORD);
  for (const w of NAME_CUES.split(/\s+/)) if (w.length > 0) words.set(w, (words.get(w) ?? 0) | NAME_CUE);
  for (const w of STREET_SUFFIXES.split(/\s+/)) if (w.length > 0 && !words.has(w)) words.set(w, STREET_SUFFIX);
  return words;
}
