import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, StreamableFile } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@postern/accounts';
import { DomainError, ErrorCode } from '@postern/errors';
import { ApiProblems } from '../common/api-problems';
import { AccountOnly, CurrentPrincipal } from '../common/auth';
import { ReceivedSummaryDto } from '../mailboxes/dto/mailbox.dto';
import { ReceivedMessageDto, UpdateReceivedDto } from './dto/received.dto';
import { ReceivedService } from './received.service';

// RFC 9051 6.4.5: section numbers are dot-separated positive integers.
const SECTION = /^[1-9]\d{0,3}(\.[1-9]\d{0,3}){0,19}$/;

/** RFC 6266 filename with RFC 8187 encoding for non-ASCII names. */
function contentDisposition(kind: string, filename: string | null): string {
  if (!filename) return kind;
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

@ApiTags('received')
@ApiParam({ name: 'id', description: 'Received message id', example: '019a8d2e-6f1c-7a3e-9b1d-2f4c5e6a7b8c' })
@AccountOnly()
@Controller('v1/received')
export class ReceivedController {
  constructor(@Inject(ReceivedService) private readonly received: ReceivedService) {}

  @Get(':id')
  @ApiOperation({ summary: 'A received message, parsed: addresses, text, HTML, attachments, authentication results' })
  @ApiOkResponse({ type: ReceivedMessageDto, description: 'The message' })
  @ApiProblems(400, 404)
  get(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<ReceivedMessageDto> {
    return this.received.parsed(principal.accountId!, id);
  }

  @Get(':id/raw')
  @ApiOperation({ summary: 'The message as stored (RFC 5322, with our trace headers)' })
  @ApiProduces('message/rfc822')
  @ApiOkResponse({ description: 'The message bytes', schema: { type: 'string', format: 'binary' } })
  @ApiProblems(400, 404)
  async raw(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<StreamableFile> {
    const message = await this.received.find(principal.accountId!, id);
    return new StreamableFile(await this.received.raw(message), { type: 'message/rfc822' });
  }

  @Get(':id/parts/:path')
  @ApiOperation({
    summary: 'One MIME part, decoded',
    description: 'Paths are IMAP section numbers as listed in `attachments` (`2`, `1.2`).',
  })
  @ApiParam({ name: 'path', description: 'Section number', example: '2' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: "The part's content, served with its Content-Type", schema: { type: 'string', format: 'binary' } })
  @ApiProblems(400, 404)
  async part(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('path') path: string,
  ): Promise<StreamableFile> {
    if (!SECTION.test(path)) {
      throw new DomainError(ErrorCode.ValidationFailed, `'${path}' is not a MIME section number`, [
        { field: 'path', message: 'must look like 1 or 1.2' },
      ]);
    }
    const { part, content } = await this.received.part(principal.accountId!, id, path);
    const type = part.charset && part.contentType.startsWith('text/') ? `${part.contentType}; charset=${part.charset}` : part.contentType;
    return new StreamableFile(content, {
      type,
      disposition: contentDisposition(part.disposition === 'inline' ? 'inline' : 'attachment', part.filename),
    });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change flags or move to another mailbox', description: 'A move gives the message a new id and UID.' })
  @ApiOkResponse({ type: ReceivedSummaryDto, description: 'The message after the change' })
  @ApiProblems(400, 404)
  update(
    @CurrentPrincipal() principal: Principal,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: UpdateReceivedDto,
  ): Promise<ReceivedSummaryDto> {
    return this.received.update(principal.accountId!, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a message (expunged at once, whatever its flags)' })
  @ApiNoContentResponse({ description: 'Deleted' })
  @ApiProblems(400, 404)
  async remove(@CurrentPrincipal() principal: Principal, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.received.remove(principal.accountId!, id);
  }
}
