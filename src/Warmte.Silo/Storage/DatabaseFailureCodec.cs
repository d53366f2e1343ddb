using System.Buffers;
using System.Data.Common;
using System.Runtime.ExceptionServices;
using Orleans.Serialization.Buffers;
using Orleans.Serialization.Codecs;
using Orleans.Serialization.Serializers;
using Orleans.Serialization.WireProtocol;
using Warmte.Journal;
using Warmte.Silo.Hosting;

namespace Warmte.Silo.Storage;

/// <summary>
/// Writes a database driver's exception (any <see cref="DbException"/>: Npgsql's, SQLite's) that leaves this silo as a
/// <see cref="DatabaseFailureException"/>, classified here by the rules a local call is answered by. Orleans has no codec
/// for the drivers' types: a broken connection under a call from another silo reached that silo as CodecNotFoundException,
/// answered 500 (the full-disk drill, docs/operations.md). At the serialiser rather than in a grain call filter, because
/// not every failure passes a filter: a grain whose activation (loading its state) fails answers the waiting calls with a
/// rejection carrying the driver's exception, and a <see cref="PartiallyStoredException"/> carries it as its inner one.
/// Local calls are not serialised: they still see the driver's own exception.
/// </summary>
public sealed class DatabaseFailureCodec(ICodecProvider codecs) : IGeneralizedCodec
{
    private IFieldCodec<DatabaseFailureException>? _failure;

    /// <summary>
    /// Registers the codec ahead of Orleans' own: its exception codec would otherwise take SQLite's (a Microsoft namespace)
    /// with its message only, losing the error code the classification needs.
    /// </summary>
    public static void AddTo(IServiceCollection services) =>
        services.Insert(0, ServiceDescriptor.Singleton<IGeneralizedCodec, DatabaseFailureCodec>());

    public bool IsSupportedType(Type type) => typeof(DbException).IsAssignableFrom(type);

    public void WriteField<TBufferWriter>(ref Writer<TBufferWriter> writer, uint fieldIdDelta, Type? expectedType, object? value)
        where TBufferWriter : IBufferWriter<byte>
    {
        _failure ??= codecs.GetCodec<DatabaseFailureException>();
        _failure.WriteField(ref writer, fieldIdDelta, expectedType, value is DbException error ? Translate(error) : null);
    }

    /// <summary>Never called: what this codec writes is read as a <see cref="DatabaseFailureException"/>.</summary>
    public object? ReadValue<TInput>(ref Reader<TInput> reader, Field field) =>
        throw new NotSupportedException($"A database exception ({field.FieldType}) is sent as {nameof(DatabaseFailureException)}, never as itself.");

    /// <summary>
    /// The classification the API answers a local failure with (WarmteHost's exception handler): full before transient, as
    /// Npgsql calls disk_full transient. The message is the driver's type, code and first line (StorageSpace.Describe) and the
    /// type of its cause; the stack trace goes along, so a 500 logged on the calling silo still says where it failed.
    /// </summary>
    public static DatabaseFailureException Translate(DbException error)
    {
        var kind = StorageSpace.IsFull(error) ? DatabaseFailureKind.Full
            : WarmteHost.IsTransient(error) ? DatabaseFailureKind.Unavailable
            : DatabaseFailureKind.Other;
        var message = StorageSpace.Describe(error);
        if (error.InnerException is { } cause) message += $" (cause: {cause.GetType().Name})";
        var failure = new DatabaseFailureException(kind, message);
        if (error.StackTrace is { } stack) ExceptionDispatchInfo.SetRemoteStackTrace(failure, stack);
        return failure;
    }
}
