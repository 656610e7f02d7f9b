/** The users list against a plain reference query (usersReference.ts), sorted by status and by role. */
import { describeSortedLikeReference, REFERENCE_SORT_FIELDS } from './usersReference';

describeSortedLikeReference(REFERENCE_SORT_FIELDS['users.reference.statusRole.test.ts']);
