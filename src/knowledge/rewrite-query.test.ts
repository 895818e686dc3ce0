import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ChatMessage } from '../providers/spec.js';
import { rewriteQuery } from './rewrite-query.js';

const user = (content: string): ChatMessage => ({ role: 'user', content });
const assistant = (content: string): ChatMessage => ({ role: 'assistant', content });

describe('rewriteQuery', () => {
  it('returns a first question as it is', () => {
    assert.equal(rewriteQuery([{ role: 'system', content: 'sys' }, user('Quand est la réunion ?')]), 'Quand est la réunion ?');
  });

  it('adds salient terms of the last answer, then of earlier user turns, without stop words or repeats', () => {
    const query = rewriteQuery([
      user("Quel est le budget du projet Apollo pour l'année ?"),
      assistant('Il est de 10 000 euros.'),
      user('Et pour le projet Zeus ?'),
    ]);
    assert.equal(query, 'Et pour le projet Zeus ? euros budget Apollo année');
  });

  it('"and what about the second one?" searches the second item of the answer\'s list', () => {
    const query = rewriteQuery([
      user('What meetings do I have next week?'),
      assistant(
        'You have three meetings next week:\n1. Budget review with Alice on Monday\n2. Contract renewal for the Lyon office on Wednesday\n3. Garden party planning on Friday',
      ),
      user('And what about the second one?'),
    ]);
    assert.equal(query, 'And what about the second one? Contract renewal Lyon office Wednesday meetings next week');
  });

  it('« et le deuxième ? » cherche le deuxième élément de la liste de la réponse', () => {
    const query = rewriteQuery([
      user('Quels fournisseurs ont été retenus pour le chantier de Nantes ?'),
      assistant(
        'Trois fournisseurs ont été retenus :\n- Martin Charpente pour la toiture\n- Bâtiplus pour la maçonnerie\n- Lefèvre Électricité pour le câblage',
      ),
      user('Et le deuxième, il coûte combien ?'),
    ]);
    assert.equal(query, 'Et le deuxième, il coûte combien ? Bâtiplus maçonnerie fournisseurs retenus chantier Nantes');
  });

  it('points at the last item, or a numbered one; "last week" points at nothing', () => {
    const answer = assistant('Options:\n* Rent a van in Lyon\n* Ship by rail from Marseille');
    assert.match(
      rewriteQuery([user('How can I move the piano?'), answer, user('Tell me more about the last one')]),
      /^Tell me more about the last one Ship rail Marseille /,
    );
    assert.match(
      rewriteQuery([user('How can I move the piano?'), answer, user("Combien coûte l'option 1, le point 1 ?")]),
      /^Combien coûte l'option 1, le point 1 \? Rent van Lyon /,
    );
    assert.equal(
      rewriteQuery([user('How can I move the piano?'), answer, user('Did I ask this last week?')]),
      'Did I ask this last week? Options Rent Lyon Marseille move piano',
    );
  });

  it("keeps the last answer's words when earlier questions are long: the last turn comes first", () => {
    const query = rewriteQuery([
      user('Summarise the quarterly report about revenue, churn, hiring, pricing, marketing, logistics and suppliers'),
      assistant('Revenue grew because the Dupont contract was signed in March.'),
      user('Who signed it?'),
    ]);
    assert.equal(query, 'Who signed it? Revenue Dupont contract March Summarise quarterly report churn hiring pricing');
  });

  it('leaves a question without letters or digits alone: there is nothing to follow up', () => {
    assert.equal(rewriteQuery([user('Quel budget pour Apollo ?'), assistant('10 000 euros.'), user('???')]), '???');
  });
});
