/**
 * The users list against a plain reference query (usersReference.ts): the fixture, the choices on
 * both sides of the thresholds and the counts; sorted by name and by e-mail.
 */
import {
  describeChoicesLikeReference,
  describeSortedLikeReference,
  REFERENCE_SORT_FIELDS,
  useReferenceFixture,
} from './usersReference';

useReferenceFixture();
describeChoicesLikeReference();
describeSortedLikeReference(REFERENCE_SORT_FIELDS['users.reference.test.ts']);
