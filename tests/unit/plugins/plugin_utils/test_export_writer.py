# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of how the export directory is written on the controller: only what differs, whole or unchanged,
never through a link or into a FIFO."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import errno
import os
import socket
import stat
import threading

import pytest

from ansible_collections.nodeum.data_archiving.plugins.plugin_utils import export_writer
from ansible_collections.nodeum.data_archiving.plugins.plugin_utils.export_writer import (
    EMPTY_DEST,
    ExportError,
    write_export,
)

DOCUMENTS = {'callbacks.yml': 'nodeum_task_callbacks: []\n', 'apply.yml': '---\n'}
NEW_DOCUMENTS = {'callbacks.yml': 'nodeum_task_callbacks: [new]\n', 'apply.yml': '---\n'}
PREVIOUS = {'Archive-filter-1.js': 'old 1\r\n', 'Restore-filter-1.js': 'old 2', 'Gone-filter-1.js': 'stale'}
NEXT = {'Archive-filter-1.js': 'new 1\n', 'Restore-filter-1.js': 'old 2', 'Added-filter-1.js': 'été 🎉'}


def tree(directory):
    """Every entry under directory, hidden ones included: the bytes and mode of each file, 'dir' for a directory."""
    found = {}
    for root, dirs, names in os.walk(str(directory)):
        for name in dirs:
            found[os.path.relpath(os.path.join(root, name), str(directory))] = 'dir'
        for name in names:
            path = os.path.join(root, name)
            mode = os.lstat(path).st_mode
            if stat.S_ISREG(mode):
                with open(path, 'rb') as handle:
                    found[os.path.relpath(path, str(directory))] = (handle.read(), stat.S_IMODE(mode))
            else:
                found[os.path.relpath(path, str(directory))] = stat.S_IFMT(mode)
    return found


class FailingOs:
    """os as the writer sees it, except that the call number fail_at (from 1) of those that change the file system
    fails, and with fail_after every later rename too (a disk that went away)."""

    CHANGES = ('mkdir', 'rename', 'replace', 'unlink', 'rmdir', 'write', 'fchmod', 'chmod', 'link', 'symlink')

    def __init__(self, fail_at=None, fail_after=False):
        self.fail_at, self.fail_after, self.count = fail_at, fail_after, 0

    def __getattr__(self, name):
        real = getattr(os, name)
        if name not in self.CHANGES and name != 'open':
            return real

        def call(*args, **kwargs):
            if name != 'open' or args[1] & os.O_CREAT:
                self.count += 1
                later_rename = self.fail_after and name == 'rename' and self.count > (self.fail_at or self.count)
                if self.count == self.fail_at or later_rename:
                    raise OSError(errno.EIO, 'Input/output error')
            return real(*args, **kwargs)

        return call


def previous_export(tmp_path):
    dest = tmp_path / 'export'
    write_export(str(dest), PREVIOUS, DOCUMENTS, check_mode=False)
    (dest / 'files' / 'notes.txt').write_text('mine')
    return dest


def test_a_first_export_writes_every_file_byte_for_byte_readable_by_all(tmp_path):
    done = write_export(
        str(tmp_path / 'new' / 'export'), {'Archive-filter-1.js': 'a\r\nb'}, DOCUMENTS, check_mode=False
    )
    assert done == (['apply.yml', 'callbacks.yml', 'files/Archive-filter-1.js'], [], [])
    assert tree(tmp_path / 'new' / 'export') == {
        'files': 'dir',
        'files/Archive-filter-1.js': (b'a\r\nb', 0o644),
        'callbacks.yml': (DOCUMENTS['callbacks.yml'].encode(), 0o644),
        'apply.yml': (b'---\n', 0o644),
    }


def test_a_second_export_writes_only_what_differs_and_removes_only_stale_exported_files(tmp_path):
    dest = previous_export(tmp_path)
    done = write_export(str(dest), NEXT, DOCUMENTS, check_mode=False)
    assert done == (['files/Added-filter-1.js', 'files/Archive-filter-1.js'], ['files/Gone-filter-1.js'], [])
    assert sorted(tree(dest)) == [
        'apply.yml',
        'callbacks.yml',
        'files',
        'files/Added-filter-1.js',
        'files/Archive-filter-1.js',
        'files/Restore-filter-1.js',
        'files/notes.txt',
    ]
    assert (dest / 'files' / 'Added-filter-1.js').read_bytes() == 'été 🎉'.encode('utf-8')


def test_an_export_of_the_earlier_names_moves_to_the_new_names_in_one_export(tmp_path):
    dest = tmp_path / 'export'
    (dest / 'files').mkdir(parents=True)
    for name in ('task2-filter-12.js', 'task17-filter-105.js', 'notes.txt', 'helper.js'):
        (dest / 'files' / name).write_text('old')
    done = write_export(str(dest), {'Archive-filter-1.js': 'old', 'task-17-filter-1.js': 'old'}, DOCUMENTS, False)
    assert done.removed == ['files/task17-filter-105.js', 'files/task2-filter-12.js']
    kept = ['Archive-filter-1.js', 'helper.js', 'notes.txt', 'task-17-filter-1.js']
    assert sorted(os.listdir(str(dest / 'files'))) == kept


def test_check_mode_tells_and_writes_nothing(tmp_path):
    dest = previous_export(tmp_path)
    before = tree(tmp_path)
    done = write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=True)
    assert done == (
        ['callbacks.yml', 'files/Added-filter-1.js', 'files/Archive-filter-1.js'],
        ['files/Gone-filter-1.js'],
        [],
    )
    assert tree(tmp_path) == before


@pytest.mark.parametrize('first', [False, True], ids=['over a previous export', 'first export'])
def test_a_failure_at_any_step_leaves_the_directory_byte_for_byte_or_the_export_whole(tmp_path, monkeypatch, first):
    """Fail each call that changes the file system in turn: either the export fails and the directory is as it was
    (no staging left), or the export is whole and a warning names the staging directory left behind."""

    def attempt(fail_at):
        base = tmp_path / str(fail_at)
        base.mkdir()
        dest = base / 'export' if first else previous_export(base)
        before = tree(base)
        failing = FailingOs(fail_at)
        monkeypatch.setattr(export_writer, 'os', failing)
        try:
            done = write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=False)
        except ExportError as error:
            assert str(error) == (
                'Cannot write the export into %s (Input/output error); the directory is as it was before the export.'
                % dest
            )
            assert tree(base) == before
            return 'failed', failing.count
        finally:
            monkeypatch.setattr(export_writer, 'os', os)
        exported = dict(
            (path, entry)
            for path, entry in tree(dest).items()
            if not path.startswith(('.nodeum-export-', 'files/.nodeum-export-'))
        )
        expected = dict(('files/' + name, (text.encode('utf-8'), 0o644)) for name, text in NEXT.items())
        if not first:
            expected['files/notes.txt'] = (b'mine', 0o644)
        expected.update((name, (text.encode(), 0o644)) for name, text in NEW_DOCUMENTS.items())
        assert exported == dict(expected, files='dir')
        left = sorted(
            path
            for path in tree(dest)
            if os.path.basename(path).startswith('.nodeum-export-') and tree(dest)[path] == 'dir'
        )
        assert bool(done.warnings) == bool(left)
        if left:
            named = staging_named(done.warnings, 'The export is written, but its staging directory could not be '
                                  'removed (Input/output error); remove ', ' by hand.')
            assert set(str(dest / path) for path in left) <= set(named) and len(named) == 2
        return ('whole, staging left' if left else 'whole'), failing.count

    _outcome, steps = attempt(None)
    outcomes = [attempt(fail_at)[0] for fail_at in range(1, steps + 1)]
    assert steps > 10 and outcomes[-1] == 'whole, staging left' and 'whole' not in outcomes
    assert outcomes.count('failed') > outcomes.count('whole, staging left') > 0


def staging_named(sentences, start, end):
    """The staging directories that the one sentence names between start and end, each an absolute path."""
    [sentence] = sentences
    assert sentence.startswith(start) and sentence.endswith(end), sentence
    named = sentence[len(start):-len(end)].split(' and ')
    assert named == sorted(named) and all(
        os.path.isabs(path) and ' ' not in path and os.path.basename(path).startswith('.nodeum-export-')
        for path in named), sentence
    return named


def kept_copy(path, message):
    """The bytes of the previous file of path kept in a staging directory that message names, or None."""
    directory = os.path.dirname(path)
    for name in os.listdir(directory):
        kept = os.path.join(directory, name, 'old-' + os.path.basename(path))
        if name.startswith('.nodeum-export-') and os.path.join(directory, name) in message and os.path.exists(kept):
            with open(kept, 'rb') as handle:
                return handle.read()
    return None


def failure_of(monkeypatch, failing, dest):
    """The sentence of the export of NEXT into dest with the writer's os replaced by failing, None when it succeeds."""
    monkeypatch.setattr(export_writer, 'os', failing)
    try:
        write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=False)
    except ExportError as error:
        return str(error)
    finally:
        monkeypatch.setattr(export_writer, 'os', os)
    return None


def test_when_putting_the_previous_export_back_fails_too_the_message_says_where_its_files_are(tmp_path, monkeypatch):
    previous = dict(
        (path, entry) for path, entry in tree(previous_export(tmp_path / 'reference')).items() if entry != 'dir'
    )
    undone, both_named = 0, False
    for fail_at in range(1, 100):
        dest = previous_export(tmp_path / str(fail_at))
        message = failure_of(monkeypatch, FailingOs(fail_at, fail_after=True), dest)
        if message is None:
            break  # the failure came after the swap, at the clean-up of the previous files
        if 'failed too' not in message:
            assert tree(dest) == tree(tmp_path / 'reference' / 'export')
            continue
        undone += 1
        named = staging_named([message], 'Cannot write the export into %s (Input/output error), and putting the '
                              'previous export back failed too (Input/output error); the files not back in place are '
                              'in ' % dest, ': move them back by hand.')
        both_named = both_named or len(named) == 2
        now = tree(dest)
        for path, (data, _mode) in previous.items():
            assert now.get(path, (None,))[0] == data or kept_copy(os.path.join(str(dest), path), message) == data, path
    assert undone > 0 and both_named and fail_at < 99


@pytest.mark.parametrize('dest', ['', '   ', None])
def test_an_empty_dest_is_refused(tmp_path, monkeypatch, dest):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ExportError) as caught:
        write_export(dest, {'Archive-filter-1.js': 'x'}, DOCUMENTS, check_mode=False)
    assert str(caught.value) == EMPTY_DEST
    assert tree(tmp_path) == {}


def test_a_dest_that_is_a_file_is_refused(tmp_path):
    (tmp_path / 'export').write_text('x')
    with pytest.raises(ExportError) as caught:
        write_export(str(tmp_path / 'export'), {}, DOCUMENTS, check_mode=False)
    assert str(caught.value) == ('dest %s is a file, not a directory; give the directory to export into. Nothing was '
                                 'written.' % (tmp_path / 'export'))


def test_a_files_symlink_is_neither_followed_nor_removed(tmp_path):
    dest = previous_export(tmp_path)
    outside = tmp_path / 'outside'
    outside.mkdir()
    (outside / 'Gone-filter-1.js').write_text('not the export\'s')
    (dest / 'files').rename(tmp_path / 'old-files')
    (dest / 'files').symlink_to(outside, target_is_directory=True)
    before = tree(tmp_path)
    with pytest.raises(ExportError) as caught:
        write_export(str(dest), NEXT, DOCUMENTS, check_mode=False)
    assert str(caught.value) == (
        '%s is a symbolic link, where the export keeps its scripts in a directory; move it away, or give another '
        'dest. Nothing was written.' % (dest / 'files')
    )
    assert tree(tmp_path) == before


@pytest.mark.parametrize('where', ['callbacks.yml', 'files/Archive-filter-1.js'])
def test_a_symlink_where_the_export_writes_a_file_is_refused_and_its_target_untouched(tmp_path, where):
    dest = previous_export(tmp_path)
    target = tmp_path / 'secret'
    target.write_text('keep me')
    (dest / where).unlink()
    (dest / where).symlink_to(target)
    before = tree(tmp_path)
    with pytest.raises(ExportError) as caught:
        write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=False)
    assert str(caught.value) == (
        '%s is a symbolic link, where the export writes a file; move it away, or give another dest. '
        'Nothing was written.' % (dest / where)
    )
    assert tree(tmp_path) == before


def test_a_directory_in_the_way_is_refused_before_any_write(tmp_path):
    dest = previous_export(tmp_path)
    (dest / 'files' / 'Added-filter-1.js').mkdir()
    before = tree(tmp_path)
    with pytest.raises(ExportError, match=r'Added-filter-1\.js is a directory, where the export writes a file; '):
        write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=False)
    assert tree(tmp_path) == before


def bounded(function, seconds=10):
    """function's ExportError or result; the test fails when it does not return within seconds (a FIFO open waits)."""
    outcome = []

    def target():
        try:
            outcome.append(function())
        except ExportError as error:
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, 'the export hung on a FIFO'
    return outcome[0]


@pytest.mark.parametrize('where', ['callbacks.yml', 'files/Archive-filter-1.js'])
def test_a_fifo_where_the_export_writes_a_file_is_refused_without_opening_it(tmp_path, where):
    dest = previous_export(tmp_path)
    (dest / where).unlink()
    os.mkfifo(str(dest / where))
    before = tree(tmp_path)
    error = bounded(lambda: write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=False))
    assert str(error) == (
        '%s is a named pipe (FIFO), where the export writes a file; move it away, or give another dest. '
        'Nothing was written.' % (dest / where)
    )
    assert tree(tmp_path) == before


def test_links_and_fifos_that_carry_an_exported_name_are_not_removed(tmp_path):
    dest = previous_export(tmp_path)
    (tmp_path / 'target.js').write_text('keep me')
    (dest / 'files' / 'Linked-filter-1.js').symlink_to(tmp_path / 'target.js')
    os.mkfifo(str(dest / 'files' / 'Piped-filter-1.js'))
    done = bounded(lambda: write_export(str(dest), NEXT, DOCUMENTS, check_mode=False))
    assert done.removed == ['files/Gone-filter-1.js']
    assert (
        os.path.islink(str(dest / 'files' / 'Linked-filter-1.js')) and (tmp_path / 'target.js').read_text() == 'keep me'
    )
    assert stat.S_ISFIFO(os.lstat(str(dest / 'files' / 'Piped-filter-1.js')).st_mode)


def test_a_file_name_the_export_does_not_make_is_refused(tmp_path):
    with pytest.raises(ExportError, match=r'^The export holds file names it does not make \(\.\./escape\.js\)'):
        write_export(str(tmp_path), {'../escape.js': 'x'}, DOCUMENTS, check_mode=False)
    assert tree(tmp_path) == {}


def test_file_names_the_export_does_not_make_are_named_three_at_most(tmp_path):
    files = dict((name, 'x') for name in ['../d.js', '../c.js', 'Archive-filter-1.js', '../b.js', '../a.js'])
    with pytest.raises(ExportError) as caught:
        write_export(str(tmp_path), files, DOCUMENTS, check_mode=False)
    assert str(caught.value) == ('The export holds file names it does not make (../a.js, ../b.js, ../c.js); nothing '
                                 'was written.')


def test_a_large_file_already_exported_is_read_whole_and_left_as_it_is(tmp_path):
    script = 'x' * (3 << 20) + '\n'
    dest = tmp_path / 'export'
    write_export(str(dest), {'Archive-filter-1.js': script}, DOCUMENTS, check_mode=False)
    assert write_export(str(dest), {'Archive-filter-1.js': script}, DOCUMENTS, check_mode=False) == ([], [], [])
    changed = write_export(str(dest), {'Archive-filter-1.js': script[:-1] + ';'}, DOCUMENTS, check_mode=False)
    assert changed.written == ['files/Archive-filter-1.js']


class RacingOs:
    """os as the writer sees it, except that opening the file at path first puts a directory in its place, as
    someone else could between the writer's look at path and its open."""

    def __init__(self, path):
        self.raced = path

    def __getattr__(self, name):
        return getattr(os, name)

    def open(self, path, flags, *mode):
        if path == self.raced:
            os.unlink(path)
            os.mkdir(path)
        return os.open(path, flags, *mode)


def test_a_directory_put_in_place_of_a_file_as_it_is_opened_is_not_read_but_replaced(tmp_path, monkeypatch):
    dest = previous_export(tmp_path)
    monkeypatch.setattr(export_writer, 'os', RacingOs(str(dest / 'callbacks.yml')))
    done = write_export(str(dest), PREVIOUS, NEW_DOCUMENTS, check_mode=False)
    monkeypatch.setattr(export_writer, 'os', os)
    assert done.written == ['callbacks.yml']
    assert (dest / 'callbacks.yml').read_text() == NEW_DOCUMENTS['callbacks.yml']


def make_socket(path):
    listening = socket.socket(socket.AF_UNIX)
    listening.bind(str(path))
    listening.close()  # the socket file stays


def make_device(path):
    try:
        os.mknod(str(path), stat.S_IFCHR | 0o600, os.makedev(1, 3))  # /dev/null's numbers
    except PermissionError:
        pytest.skip('making a device file needs root')


@pytest.mark.parametrize('make, kind', [(make_socket, 'a socket'), (make_device, 'a device')])
def test_a_socket_or_a_device_where_the_export_writes_a_file_is_named(tmp_path, make, kind):
    dest = previous_export(tmp_path)
    (dest / 'apply.yml').unlink()
    make(dest / 'apply.yml')
    before = tree(tmp_path)
    with pytest.raises(ExportError) as caught:
        write_export(str(dest), NEXT, NEW_DOCUMENTS, check_mode=False)
    assert str(caught.value) == ('%s is %s, where the export writes a file; move it away, or give another dest. '
                                 'Nothing was written.' % (dest / 'apply.yml', kind))
    assert tree(tmp_path) == before
