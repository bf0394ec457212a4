import { applyDecorators } from '@nestjs/common';
import { ApiResponse } from '@nestjs/swagger';
import { ProblemDto } from './problem.dto';

const DESCRIPTIONS: Record<number, string> = {
  400: 'Malformed JSON, unknown fields or invalid values (each bad field is listed)',
  403: "Not allowed for this account (for sends: the From domain is not the account's)",
  404: 'No such resource (or it belongs to another account)',
  409: 'Conflicts with an existing resource',
  413: 'The message is larger than the size limit',
  415: 'Wrong Content-Type for this endpoint',
  422: 'Well-formed but not acceptable (invalid name, unknown domain or account)',
  429: 'A send limit of the account is reached (messages or first-time recipients per day)',
};

/** Documents the problem-details responses an endpoint can give. */
export const ApiProblems = (...statuses: number[]) =>
  applyDecorators(...statuses.map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ProblemDto })));
