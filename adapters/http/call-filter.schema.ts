/** The call filters shared by the call list, exports and insights; they live in the API contract (core/api). */
export { callFilterFields } from '../../core/api/calls.api';
