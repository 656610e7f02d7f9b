/** The users list against a plain reference query (usersReference.ts), sorted by creation and by last sign-in. */
import { describeSortedLikeReference, REFERENCE_SORT_FIELDS, useReferenceFixture } from './usersReference';

useReferenceFixture();
describeSortedLikeReference(REFERENCE_SORT_FIELDS['users.reference.dates.test.ts']);
