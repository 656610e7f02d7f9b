/** The users list against a plain reference query (usersReference.ts), sorted by status and by role. */
import { describeSortedLikeReference, REFERENCE_SORT_FIELDS, useReferenceFixture } from './usersReference';

useReferenceFixture();
describeSortedLikeReference(REFERENCE_SORT_FIELDS['users.reference.statusRole.test.ts']);
