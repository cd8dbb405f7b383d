# -*- coding: utf-8 -*-
# Copyright: Contributors to the nodeum.data_archiving collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Unit tests of how the export directory is written on the controller: only what differs, whole or not at all."""

from __future__ import absolute_import, division, print_function
__metaclass__ = type

import os

import pytest

from ansible_collections.nodeum.data_archiving.plugins.action import task_callback_export
from ansible_collections.nodeum.data_archiving.plugins.action.task_callback_export import ExportError, write_export

DOCUMENTS = {'callbacks.yml': 'nodeum_task_callbacks: []\n', 'apply.yml': '---\n'}


def tree(directory):
    found = {}
    for root, _dirs, names in os.walk(str(directory)):
        for name in names:
            path = os.path.join(root, name)
            with open(path, 'rb') as handle:
                found[os.path.relpath(path, str(directory))] = handle.read()
    return found


def test_a_first_export_writes_every_file_byte_for_byte(tmp_path):
    written, removed = write_export(str(tmp_path / 'export'), {'task1-filter-10.js': 'a\r\nb'}, DOCUMENTS, check_mode=False)
    assert written == ['apply.yml', 'callbacks.yml', 'files/task1-filter-10.js'] and removed == []
    expected = {'files/task1-filter-10.js': b'a\r\nb', 'callbacks.yml': DOCUMENTS['callbacks.yml'].encode(), 'apply.yml': b'---\n'}
    assert tree(tmp_path / 'export') == expected


def test_a_second_export_writes_only_what_differs_and_removes_only_stale_exported_files(tmp_path):
    dest = str(tmp_path)
    write_export(dest, {'task1-filter-10.js': 'a', 'task2-filter-11.js': 'b'}, DOCUMENTS, check_mode=False)
    (tmp_path / 'files' / 'notes.txt').write_text('mine')
    written, removed = write_export(dest, {'task1-filter-10.js': 'changed'}, DOCUMENTS, check_mode=False)
    assert written == ['files/task1-filter-10.js'] and removed == ['files/task2-filter-11.js']
    assert sorted(tree(tmp_path)) == ['apply.yml', 'callbacks.yml', 'files/notes.txt', 'files/task1-filter-10.js']


def test_check_mode_tells_and_writes_nothing(tmp_path):
    written, removed = write_export(str(tmp_path / 'export'), {'task1-filter-10.js': 'a'}, DOCUMENTS, check_mode=True)
    assert written == ['apply.yml', 'callbacks.yml', 'files/task1-filter-10.js'] and removed == []
    assert not (tmp_path / 'export').exists()


def test_a_failure_while_writing_leaves_the_previous_export_as_it_was(tmp_path, monkeypatch):
    dest = str(tmp_path)
    write_export(dest, {'task1-filter-10.js': 'old 1', 'task2-filter-11.js': 'old 2'}, DOCUMENTS, check_mode=False)
    before = tree(tmp_path)
    real_chmod = os.chmod
    calls = []

    def failing_chmod(path, mode):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(28, 'No space left on device')
        real_chmod(path, mode)
    monkeypatch.setattr(task_callback_export.os, 'chmod', failing_chmod)
    with pytest.raises(ExportError) as caught:
        write_export(dest, {'task1-filter-10.js': 'new 1', 'task2-filter-11.js': 'new 2'}, dict(DOCUMENTS, **{'apply.yml': 'new\n'}),
                     check_mode=False)
    assert str(caught.value) == 'Cannot write the export into %s (No space left on device); the previous export, if any, is as it was.' % dest
    assert tree(tmp_path) == before


def test_a_file_name_the_export_does_not_make_is_refused(tmp_path):
    with pytest.raises(ExportError, match=r'^The export holds file names it does not make \(\.\./escape\.js\)'):
        write_export(str(tmp_path), {'../escape.js': 'x'}, DOCUMENTS, check_mode=False)
    assert tree(tmp_path) == {}
