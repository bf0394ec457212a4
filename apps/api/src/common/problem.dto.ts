import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class FieldErrorDto {
  @ApiProperty({ description: 'Path of the bad field in the request', example: 'name' })
  field!: string;

  @ApiProperty({ description: 'What is wrong with it', example: 'name must be a string' })
  message!: string;
}

/** RFC 9457 problem details, with Postern's stable error code. */
export class ProblemDto {
  @ApiProperty({ description: 'URI naming the problem type', example: 'urn:postern:problem:not_found' })
  type!: string;

  @ApiProperty({ description: 'Short summary of the problem type', example: 'Not found' })
  title!: string;

  @ApiProperty({ description: 'HTTP status code', example: 404 })
  status!: number;

  @ApiProperty({ description: 'Explanation of this occurrence', example: "domain 'example.org' not found" })
  detail!: string;

  @ApiProperty({ description: 'Stable, machine-readable error code', example: 'not_found' })
  code!: string;

  @ApiPropertyOptional({ description: 'For validation errors: each bad field', type: [FieldErrorDto] })
  errors?: FieldErrorDto[];
}
